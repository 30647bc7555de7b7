"""Reads shared by the public pages and the organiser area."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgzaam.roles import COORDINATORS, ORGANISERS, user_group_names, user_is_coordinator  # noqa: F401

from .models import Event, OutgoingEmail, Registration


def events_public() -> QuerySet[Event]:
    """Published and cancelled events (never drafts), with confirmed people counted."""
    return (
        Event.objects.exclude(status=Event.Status.DRAFT)
        .annotate(
            confirmed=Sum(
                "registrations__party_size",
                filter=Q(registrations__status=Registration.Status.CONFIRMED),
                default=0,
            )
        )
        .order_by("starts_at")
    )


def events_upcoming() -> QuerySet[Event]:
    return events_public().filter(ends_at__gte=timezone.now())


def events_past() -> QuerySet[Event]:
    return events_public().filter(ends_at__lt=timezone.now()).order_by("-starts_at")


def event_public(slug: str) -> Event:
    """One public event with its programme and hosts; raises Event.DoesNotExist."""
    return events_public().prefetch_related("programme", "hosts").get(slug=slug)


def active_registrations_with_email(event_id: int, email: str) -> QuerySet[Registration]:
    """What the unique constraint on (event, lower(email)) compares: any letter case."""
    return (
        Registration.objects.alias(email_lower=Lower("email"))
        .filter(event_id=event_id, email_lower=Lower(Value(email)))
        .exclude(status=Registration.Status.CANCELLED)
    )


def event_for_signup(slug: str) -> Event:
    """What a sign-up needs (the event and its programme), without counts or hosts.

    Posting the form is the hot path of a rush; the page itself is only rendered again
    when the form has errors. Raises Event.DoesNotExist.
    """
    return (
        Event.objects.exclude(status=Event.Status.DRAFT)
        .prefetch_related("programme")
        .get(slug=slug)
    )


# Organiser area ----------------------------------------------------------------------


def user_may_organise(user) -> bool:
    return (
        user.is_superuser
        or bool(user_group_names(user) & {COORDINATORS, ORGANISERS})
        or user.organised_events.exists()
    )


def user_sees_needs(user, event: Event) -> bool:
    """Accessibility and dietary needs are special-category data: the event's own organisers."""
    return user.is_superuser or event.organisers.filter(pk=user.pk).exists()


def events_managed_by(user) -> QuerySet[Event]:
    """The events this user may manage: their own, or all for coordinators."""
    events = Event.objects.all()
    if not user_is_coordinator(user):
        events = events.filter(organisers=user)
    return events


def events_for_organiser(user) -> QuerySet[Event]:
    """The events this user may manage, with people confirmed, waiting and checked in."""
    return events_managed_by(user).annotate(
        confirmed=Sum(
            "registrations__party_size",
            filter=Q(registrations__status=Registration.Status.CONFIRMED),
            default=0,
        ),
        waiting=Sum(
            "registrations__party_size",
            filter=Q(registrations__status=Registration.Status.WAITLIST),
            default=0,
        ),
        checked_in=Sum(
            "registrations__party_size",
            filter=Q(
                registrations__status=Registration.Status.CONFIRMED,
                registrations__checked_in_at__isnull=False,
            ),
            default=0,
        ),
    )


def attendees(event: Event, *, q="", status="", background="", session=None, sort="created_at"):
    registrations = (
        Registration.objects.filter(event=event, erased_at__isnull=True)
        .prefetch_related("sessions")
        .select_related("checked_in_by")
    )
    if q:
        registrations = registrations.filter(Q(name__icontains=q) | Q(email__icontains=q))
    if status:
        registrations = registrations.filter(status=status)
    if background:
        registrations = registrations.filter(background=background)
    if session:
        registrations = registrations.filter(sessions__pk=session)
    if sort not in {"created_at", "name", "status", "-party_size"}:
        sort = "created_at"
    return registrations.order_by(sort, "pk")


def waitlist(event: Event):
    return Registration.objects.filter(event=event, status=Registration.Status.WAITLIST).order_by(
        *Registration.WAITLIST_ORDER
    )


def event_counts(event: Event) -> dict:
    """People confirmed, waiting and checked in, for the headers and live counters."""
    rows = Registration.objects.filter(event=event).aggregate(
        confirmed=Sum("party_size", filter=Q(status=Registration.Status.CONFIRMED), default=0),
        confirmed_registrations=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Sum("party_size", filter=Q(status=Registration.Status.WAITLIST), default=0),
        cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
        checked_in=Sum(
            "party_size",
            filter=Q(status=Registration.Status.CONFIRMED, checked_in_at__isnull=False),
            default=0,
        ),
    )
    rows["capacity"] = event.capacity
    return rows


def failed_emails(event: Event) -> QuerySet[OutgoingEmail]:
    """The latest emails to this meeting's attendees that could not be delivered."""
    return (
        OutgoingEmail.objects.filter(registration__event=event, status="failed")
        .select_related("registration")
        .order_by("-created_at")[:20]
    )


@dataclass(frozen=True)
class EventInsight:
    signups: list[dict]  # per day: day, count, percent of the busiest day
    backgrounds: list[dict]  # per background: label, count, percent of the largest
    people: int
    checked_in: int
    no_shows: int | None  # only once the meeting is over
    attendance: int | None  # percent of the people with a place who came
    topics: list[str]
    cancelled: int


def event_insight(*, event: Event) -> EventInsight:
    """Who signed up when, their background and topics, and who came."""
    registrations = list(
        Registration.objects.filter(event=event).only(
            "status", "background", "party_size", "created_at", "checked_in_at", "topic"
        )
    )
    active = [r for r in registrations if r.status != Registration.Status.CANCELLED]
    confirmed = [r for r in active if r.status == Registration.Status.CONFIRMED]
    by_day = Counter(timezone.localdate(r.created_at) for r in registrations)
    background_labels = dict(Registration.Background.choices)
    backgrounds = Counter(r.background or "" for r in active)
    people = sum(r.party_size for r in confirmed)
    checked_in = sum(r.party_size for r in confirmed if r.checked_in_at)
    max_day = max(by_day.values(), default=1)
    max_background = max(backgrounds.values(), default=1)
    return EventInsight(
        signups=[
            {"day": day, "count": n, "percent": round(100 * n / max_day)}
            for day, n in sorted(by_day.items())
        ],
        backgrounds=[
            {
                "label": background_labels.get(background, _("not given")),
                "count": n,
                "percent": round(100 * n / max_background),
            }
            for background, n in backgrounds.most_common()
        ],
        people=people,
        checked_in=checked_in,
        no_shows=people - checked_in if event.is_past else None,
        attendance=round(100 * checked_in / people) if people else None,
        topics=[r.topic for r in active if r.topic],
        cancelled=len(registrations) - len(active),
    )


def events_upcoming_for_initiative(initiative):
    """Published meetings still to come that the initiative hosts, soonest first."""
    return initiative.events.filter(
        status=Event.Status.PUBLISHED, ends_at__gte=timezone.now()
    ).order_by("starts_at")
