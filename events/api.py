"""The read-only events API: public meetings still to come, as JSON.

Paged and answered like the catalogue's API (zorgzaam/api.py): the same page parameters,
envelope, errors and headers, every query parameter checked against the schema
/api/openapi.json declares for it (both read FILTER_PARAMETERS). A page costs two queries
whatever its size: the count, and the meetings with their organisation, series and
confirmed places in one.

Cancelled meetings still to come are listed, with "status": "cancelled", as the calendar
feeds carry them with STATUS:CANCELLED: a site or calendar that copied a meeting learns
it is off, instead of seeing it vanish as if it had never been. Drafts never appear.
Nothing about attendees is shown but the places left.
"""

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation
from zorgzaam.api import (
    DATE_PATTERN,
    DEFAULT_PAGE_SIZE,
    NAME_PATTERN,
    PAGE_PARAMETERS,
    SLUG_PATTERN,
    BadRequest,
    api_view,
    error_response,
    json_response,
    paged_json,
    query_params,
)

from .models import Event, Registration, Series

MAX_FILTER_VALUES = 50
SLUG_MAX_LENGTH = Event._meta.get_field("slug").max_length
SIGNUP_ANCHOR = "#aanmelden"  # the sign-up form on the event page
FULL = "full"
# What organisers type in `languages`: "nl, en", "nl en", "nl/en".
_LANGUAGE_SEPARATORS = re.compile(r"[\s,;/]+")


def _slug_filter(name: str, model, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "description": description + ". Repeat the parameter for several values (OR); "
        "different parameters combine with AND.",
        "schema": {
            "type": "array",
            "items": {
                "type": "string",
                "maxLength": model._meta.get_field("slug").max_length,
                "pattern": SLUG_PATTERN,
            },
            "maxItems": MAX_FILTER_VALUES,
        },
        "style": "form",
        "explode": True,
    }


def _date_filter(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": "string", "pattern": DATE_PATTERN, "format": "date"},
    }


FILTER_PARAMETERS = [
    _slug_filter("organisation", Organisation, "Organisation (slug), e.g. zorgvrijstaat"),
    _slug_filter("series", Series, "Series (slug), e.g. bezoeken-zorgzame-buurten"),
    {
        "name": "municipality",
        "in": "query",
        "description": "Municipality of the venue: the city as the meeting gives it, letter "
        "case ignored, e.g. Rotterdam (not blank, no control characters). Repeat the "
        "parameter for several values (OR); "
        "different parameters combine with AND.",
        "schema": {
            "type": "array",
            "items": {
                "type": "string",
                "maxLength": Event._meta.get_field("venue_city").max_length,
                "pattern": NAME_PATTERN,
            },
            "maxItems": MAX_FILTER_VALUES,
        },
        "style": "form",
        "explode": True,
    },
    _date_filter(
        "from",
        "Only meetings on or after this day (YYYY-MM-DD, Dutch time): those that have not "
        "ended when it begins, so a meeting through midnight is on both days. Meetings that "
        "have ended are never listed, so a day in the past changes nothing.",
    ),
    _date_filter(
        "to",
        "Only meetings on or before this day (YYYY-MM-DD, Dutch time): those that start "
        "before the next day begins. Not before `from`.",
    ),
    *PAGE_PARAMETERS,
]


# Per meeting in a subquery, not a join: the count of a page then skips it, and a page
# groups no rows (a join makes SQLite group every registration of every meeting).
_CONFIRMED_PEOPLE = Coalesce(
    Subquery(
        Registration.objects.filter(event=OuterRef("pk"), status=Registration.Status.CONFIRMED)
        .values("event")
        .annotate(people=Sum("party_size"))
        .values("people")
    ),
    0,
)


def _public_events() -> QuerySet[Event]:
    """Published and cancelled meetings (never drafts), with what a record shows of them."""
    return (
        Event.objects.exclude(status=Event.Status.DRAFT)
        .annotate(confirmed=_CONFIRMED_PEOPLE)
        .select_related("organisation", "series")
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events_listed(
    *,
    organisations: Sequence[str] = (),
    series: Sequence[str] = (),
    municipalities: Sequence[str] = (),
    first_day: date | None = None,
    last_day: date | None = None,
) -> QuerySet[Event]:
    """Public meetings that have not ended, filtered, soonest first, in one query."""
    events = (
        _public_events()
        .filter(ends_at__gte=timezone.now())
        .order_by("starts_at", "pk")  # pk: a stable order across pages
    )
    if organisations:
        events = events.filter(organisation__slug__in=organisations)
    if series:
        events = events.filter(series__slug__in=series)
    if municipalities:
        same_city = Q()
        for name in municipalities:
            same_city |= Q(venue_city__iexact=name)
        events = events.filter(same_city)
    # A day before today adds nothing to "not ended yet" (and year 1 has no start in UTC).
    if first_day is not None and first_day > timezone.localdate():
        events = events.filter(ends_at__gte=_day_start(first_day))
    if last_day is not None and last_day < date.max:
        events = events.filter(starts_at__lt=_day_start(last_day + timedelta(days=1)))
    return events


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in Dutch time, with its offset: what a person there reads on a clock."""
    return timezone.localtime(moment).isoformat() if moment else None


def _places_left(event: Event) -> int | str | None:
    if event.status == Event.Status.CANCELLED:
        return None
    left = event.places_left  # from the `confirmed` count _public_events annotates
    if left is None:
        return None
    return left or FULL


def event_record(event: Event, *, now: datetime) -> dict:
    """The public facts of one meeting; nothing about the people who signed up."""
    organisation = event.organisation
    series = event.series
    has_location = event.latitude is not None and event.longitude is not None
    page = event.absolute_url
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "url": page,
        "status": event.status,
        "organisation": {
            "slug": organisation.slug,
            "name": organisation.name,
            "url": organisation.absolute_url,
        },
        "series": (
            {"slug": series.slug, "title": series.title, "url": series.absolute_url}
            if series
            else None
        ),
        "venue": {
            "name": event.venue_name,
            "street": event.venue_street,
            "postcode": event.venue_postcode,
            "city": event.venue_city,
            "latitude": float(event.latitude) if has_location else None,
            "longitude": float(event.longitude) if has_location else None,
            "accessibility": event.venue_accessibility,
        },
        "starts_at": _iso(event.starts_at),
        "ends_at": _iso(event.ends_at),
        "places_left": _places_left(event),
        "registration": event.registration_state(now),
        "registration_opens_at": _iso(event.registration_opens_at),
        "registration_closes_at": _iso(event.registration_closes_at or event.ends_at),
        "signup_url": page + SIGNUP_ANCHOR,
        "ical_url": settings.SITE_URL + reverse("events:ics", kwargs={"slug": event.slug}),
        "languages": [code for code in _LANGUAGE_SEPARATORS.split(event.languages) if code],
        "free_entry": event.free_entry,
        "updated_at": _iso(event.updated_at),
    }


def _page(request):
    """The requested page of meetings, or raise BadRequest / EmptyPage."""
    params = query_params(request, FILTER_PARAMETERS)
    first_day, last_day = params.get("from"), params.get("to")
    if first_day and last_day and first_day > last_day:
        raise BadRequest("from must not be after to")
    events = events_listed(
        organisations=params.get("organisation", ()),
        series=params.get("series", ()),
        municipalities=params.get("municipality", ()),
        first_day=first_day,
        last_day=last_day,
    )
    paginator = Paginator(events, params.get("page_size", DEFAULT_PAGE_SIZE))
    return paginator.page(params.get("page", 1))


@api_view
def events_json(request):
    now = timezone.now()
    return paged_json(request, _page, lambda event: event_record(event, now=now))


@api_view
def event_json(request, slug):
    """One public meeting, also after it ended (a copied slug keeps answering); no drafts."""
    if len(slug) > SLUG_MAX_LENGTH:  # no meeting has it: spare the query
        return error_response(404, "not found")
    try:
        event = _public_events().get(slug=slug)
    except Event.DoesNotExist:
        return error_response(404, "not found")
    return json_response(event_record(event, now=timezone.now()))
