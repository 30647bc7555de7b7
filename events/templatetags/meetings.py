"""Meetings shown on other apps' pages, so those apps need not know the meetings' models."""

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from .. import selectors
from ..forms import FollowForm
from ..models import Event, Follower

register = template.Library()


@register.inclusion_tag("events/includes/_upcoming_for_initiative.html")
def upcoming_meetings_for(initiative):
    """The published meetings still to come that this initiative hosts."""
    return {"events": selectors.events_upcoming_for_initiative(initiative)}


@register.simple_tag
def organisation_meetings(organisation):
    """{"upcoming": [...], "past": [...]}: an organisation's public meetings, in two queries."""
    upcoming, past = selectors.organisation_meetings(organisation)
    return {"upcoming": upcoming, "past": past}


@register.simple_tag
def organisation_series(organisation):
    """The organisation's series, each with its number of public meetings, in one query."""
    return list(
        organisation.series.annotate(
            meetings=Count("events", filter=~Q(events__status=Event.Status.DRAFT))
        ).order_by("title")
    )


@register.simple_tag
def with_upcoming_meeting_counts(organisations):
    """[(organisation, number of published meetings still to come)], in one query.

    For a list of organisations (a page of them), so each card need not ask on its own.
    """
    organisations = list(organisations)
    counts = dict(
        Event.objects.filter(
            organisation__in=organisations,
            status=Event.Status.PUBLISHED,
            ends_at__gte=timezone.now(),
        )
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    return [(organisation, counts.get(organisation.pk, 0)) for organisation in organisations]


@register.simple_tag
def empty_follow_form():
    """An empty form to follow, for the pages of organisations and series."""
    return FollowForm()


@register.simple_tag
def follow_confirm_days():
    """How many days a request to follow waits for its confirmation, for the privacy page."""
    return Follower.CONFIRM_WITHIN.days


@register.inclusion_tag("events/includes/_agreements_for_initiative.html")
def agreements_for(initiative):
    """Agreements of published meetings' reports that name this initiative, newest first."""
    from ..models import ReportAgreement

    agreements = (
        ReportAgreement.objects.filter(initiative=initiative, report__published_at__isnull=False)
        .select_related("report__event")
        .order_by("-report__event__starts_at", "position")[:20]
    )
    return {"agreements": list(agreements)}
