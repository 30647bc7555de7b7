"""Reads shared by the public pages and the organiser area."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from .answers import AnswerValue, answer_values
from .models import (
    Answer,
    Event,
    LiveRound,
    OutgoingEmail,
    Question,
    QuestionChoice,
    Registration,
    Report,
)


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


def organisation_feed_events(organisation) -> QuerySet[Event]:
    """The organisation's meetings for its calendar feed: the coming ones and the last year."""
    since = timezone.now() - timedelta(days=365)
    return (
        Event.objects.filter(organisation=organisation, ends_at__gte=since)
        .exclude(status=Event.Status.DRAFT)
        .order_by("starts_at")
    )


# Whether a meeting's report is online, for the links on the meeting's cards and page.
_has_report = Exists(Report.objects.filter(event=OuterRef("pk"), published_at__isnull=False))


def organisation_meetings(organisation, *, past_limit: int = 20) -> tuple[list, list]:
    """Upcoming and past public meetings of one organisation, in two queries."""
    events = events_public().filter(organisation=organisation).select_related("organisation")
    now = timezone.now()
    upcoming = list(events.filter(ends_at__gte=now))
    past = list(
        events.filter(ends_at__lt=now)
        .annotate(has_report=_has_report)
        .order_by("-starts_at")[:past_limit]
    )
    return upcoming, past


def event_public(slug: str) -> Event:
    """One public event with its programme and hosts, and whether a live round is open
    (`live_open`); raises Event.DoesNotExist."""
    return (
        events_public()
        .annotate(
            live_open=Exists(
                LiveRound.objects.filter(event=OuterRef("pk"), state=LiveRound.State.OPEN)
            ),
            has_report=_has_report,
        )
        .select_related("organisation", "series")
        .prefetch_related("programme", "hosts", "questions__choices")
        .get(slug=slug)
    )


def active_registrations_with_email(event_id: int, email: str) -> QuerySet[Registration]:
    """What the unique constraint on (event, lower(email)) compares: any letter case."""
    return (
        Registration.objects.alias(email_lower=Lower("email"))
        .filter(event_id=event_id, email_lower=Lower(Value(email)))
        .exclude(status=Registration.Status.CANCELLED)
    )


def event_for_signup(slug: str) -> Event:
    """What a sign-up needs (the event, its programme and questions), without counts or hosts.

    Posting the form is the hot path of a rush; the page itself is only rendered again
    when the form has errors. The questions come from the cache (see `questions_cached`).
    Raises Event.DoesNotExist.
    """
    event = Event.objects.exclude(status=Event.Status.DRAFT).prefetch_related("programme")
    event = event.get(slug=slug)
    questions_cached(event)
    return event


# A meeting's questions change rarely and are read on every sign-up.
QUESTIONS_CACHE_SECONDS = 6 * 3600


def questions_cached(event: Event) -> list[Question]:
    """The meeting's questions with their answers to choose, as `event.questions.all()`.

    Cached under the meeting's `questions_version`, which every save or delete of a
    question or an answer raises in the same transaction: an entry is never out of date,
    also where each process has a cache of its own. The time it was made is in the key
    too, so a number reused after a rollback cannot match another meeting's entry.
    """
    key = f"event-questions:{event.pk}:{event.created_at.timestamp()}:{event.questions_version}"
    questions = cache.get(key)
    if questions is None:
        questions = list(event.questions.prefetch_related("choices"))
        cache.set(key, questions, QUESTIONS_CACHE_SECONDS)
    for question in questions:
        question.event = event
    # What prefetch_related("questions") would have left (Django's own mechanism).
    prefetched = event.questions.all()
    prefetched._result_cache = questions
    prefetched._prefetch_done = True
    event.__dict__.setdefault("_prefetched_objects_cache", {})["questions"] = prefetched
    return questions


# Organiser area ----------------------------------------------------------------------


def events_with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """The dashboard's figures per meeting: people confirmed, waiting and checked in."""
    return events.annotate(
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


def checkin_search(event: Event, q: str, *, by_email: bool):
    """The door's name search: not cancelled; by email only for the meeting's organisers."""
    registrations = Registration.objects.filter(event=event, erased_at__isnull=True).exclude(
        status=Registration.Status.CANCELLED
    )
    condition = Q(name__icontains=q)
    if by_email:
        condition |= Q(email__icontains=q)
    return registrations.filter(condition).order_by("name", "pk")


def answers_prefetch() -> Prefetch:
    """A registration's answers with their question and chosen answer: two queries in all.

    The rows: `answer_values` makes one value per question of them.
    """
    return Prefetch(
        "answers",
        queryset=Answer.objects.select_related("question", "choice"),
    )


def registration_answers(registration: Registration) -> list[AnswerValue]:
    return answer_values(registration.answers.select_related("question", "choice"))


def event_questions(event: Event) -> list[Question]:
    """The meeting's questions in order, with their answers to choose (two queries)."""
    return list(event.questions.prefetch_related("choices"))


def number_text(value: Decimal | None) -> str:
    """3.00 as "3" and 2.50 as "2.5": what was typed, without the stored decimals."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def answer_text(answer: AnswerValue) -> str:
    """One answer as a person reads it."""
    question = answer.question
    if question.has_choices:
        return ", ".join(choice.label for choice in answer.choices)
    if question.kind == Question.Kind.NUMBER:
        return number_text(answer.number)
    if question.kind == Question.Kind.YES_NO:
        return {"yes": _("Yes"), "no": _("No")}.get(answer.text, answer.text)
    return answer.text


def answer_rows(answers, *, with_sensitive: bool) -> list[dict]:
    """[{question, text}] for showing, sensitive answers only when asked for.

    `answers`: values (`registration_answers`, or `answer_values` of prefetched rows).
    """
    return [
        {"question": a.question, "text": answer_text(a)}
        for a in answers
        if with_sensitive or not a.question.sensitive
    ]


def attendees(
    event: Event,
    *,
    q="",
    status="",
    background="",
    session=None,
    answer=None,
    sort="created_at",
):
    registrations = (
        Registration.objects.filter(event=event, erased_at__isnull=True)
        .prefetch_related("sessions", answers_prefetch())
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
    if answer:
        # Only an answer to one of this meeting's own questions filters anything.
        registrations = registrations.filter(
            answers__choice_id=answer, answers__question__event=event
        )
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
    questions: list[dict]  # per question: label, kind, rows or count/average
    # Per day from the first sign-up to the meeting (or today): the people with a place
    # who had signed up by the end of that day.
    people_by_day: list[tuple]


def question_insight(event: Event) -> list[dict]:
    """Per question, what the people with a place answered: counts only, never who.

    Choices (and yes/no): people per answer, with places left when the answer has a
    limit. Numbers: how many answered and the average. Text: how many answered.
    """
    questions = event_questions(event)
    if not questions:
        return []
    confirmed = Q(registration__status=Registration.Status.CONFIRMED)
    answers = list(
        Answer.objects.filter(confirmed, registration__event=event).values_list(
            "question_id", "text", "number", "registration__party_size", "registration_id"
        )
    )
    people_per_choice = dict(
        QuestionChoice.objects.filter(
            question__event=event,
            answers__registration__status=Registration.Status.CONFIRMED,
        )
        .values("pk")
        .annotate(people=Sum("answers__registration__party_size"))
        .values_list("pk", "people")
    )
    result = []
    for question in questions:
        mine = [a for a in answers if a[0] == question.pk]
        item = {
            "pk": question.pk,
            "label": question.label,
            "kind": question.kind,
            "sensitive": question.sensitive,
            "answered": len({a[4] for a in mine}),
            "rows": [],
            "average": None,
        }
        if question.has_choices:
            item["kind"] = "choices"
            for choice in question.choices.all():
                people = people_per_choice.get(choice.pk, 0)
                item["rows"].append(
                    {
                        "label": choice.label,
                        "people": people,
                        "capacity": choice.capacity,
                        "left": None
                        if choice.capacity is None
                        else max(choice.capacity - people, 0),
                    }
                )
        elif question.kind == Question.Kind.YES_NO:
            item["kind"] = "choices"
            for value, label in (("yes", _("Yes")), ("no", _("No"))):
                people = sum(a[3] for a in mine if a[1] == value)
                item["rows"].append(
                    {"label": label, "people": people, "capacity": None, "left": None}
                )
        elif question.kind == Question.Kind.NUMBER:
            numbers = [a[2] for a in mine if a[2] is not None]
            item["answered"] = len(numbers)
            if numbers:
                average = sum(numbers, Decimal(0)) / len(numbers)
                item["average"] = number_text(average.quantize(Decimal("0.1")))
        else:
            item["kind"] = "text"
        result.append(item)
    return result


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
    people_per_day = Counter()
    for r in confirmed:
        people_per_day[timezone.localdate(r.created_at)] += r.party_size
    people_by_day = []
    if by_day:
        # To the meeting, or today while it is still to come; later sign-ups still count.
        until = min(timezone.localdate(event.starts_at), timezone.localdate())
        people_by_day = _running_total(people_per_day, since=min(by_day), until=max(until, *by_day))
    totals = dict(people_by_day)
    return EventInsight(
        signups=[
            {"day": day, "count": n, "percent": round(100 * n / max_day), "total": totals[day]}
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
        questions=question_insight(event),
        people_by_day=people_by_day,
    )


def _running_total(per_day: Counter, *, since, until) -> list[tuple]:
    """(day, running total) for every day from `since` to `until`, both included."""
    day, total, result = since, 0, []
    while day <= until:
        total += per_day.get(day, 0)
        result.append((day, total))
        day += timedelta(days=1)
    return result


def events_upcoming_for_initiative(initiative):
    """Published meetings still to come that the initiative hosts, soonest first."""
    return initiative.events.filter(
        status=Event.Status.PUBLISHED, ends_at__gte=timezone.now()
    ).order_by("starts_at")


@dataclass
class DashboardGroup:
    """One organisation's meetings on the dashboard, and what the user may do there."""

    organisation: object | None  # None: meetings co-organised for other organisations
    role: str  # owner, organiser, door, cohost or superuser
    upcoming: list
    past: list

    @property
    def manages(self) -> bool:
        return self.role != "door"


def dashboard_groups(user, *, past_limit: int = 10) -> list[DashboardGroup]:
    """The dashboard: per organisation the user is in, its meetings, in three queries.

    The number of queries does not grow with the number of meetings or organisations.
    """
    from organisations.models import Membership
    from organisations.permissions import CHECK_IN

    from .permissions import events_with

    memberships = {
        m.organisation_id: m
        for m in Membership.objects.filter(user=user).select_related("organisation")
    }
    events = (
        events_with_counts(events_with(user, CHECK_IN))
        .select_related("organisation")
        .order_by("starts_at")
    )
    now = timezone.now()
    groups: dict[object, DashboardGroup] = {}
    for organisation_id, membership in memberships.items():
        groups[organisation_id] = DashboardGroup(membership.organisation, membership.role, [], [])
    for event in events:
        key = event.organisation_id
        if key not in groups:
            if user.is_superuser:
                groups[key] = DashboardGroup(event.organisation, "superuser", [], [])
            else:
                key = None
                groups.setdefault(None, DashboardGroup(None, "cohost", [], []))
        (groups[key].upcoming if event.ends_at >= now else groups[key].past).append(event)
    for group in groups.values():
        group.past = sorted(group.past, key=lambda e: e.starts_at, reverse=True)[:past_limit]
    return sorted(
        groups.values(),
        key=lambda g: (g.organisation is None, g.organisation.name if g.organisation else ""),
    )


def series_meetings(series, *, past_limit: int = 20) -> tuple[list, list]:
    """Upcoming and past public meetings of one series, in two queries."""
    events = events_public().filter(series=series).select_related("organisation")
    now = timezone.now()
    upcoming = list(events.filter(ends_at__gte=now))
    past = list(
        events.filter(ends_at__lt=now)
        .annotate(has_report=_has_report)
        .order_by("-starts_at")[:past_limit]
    )
    return upcoming, past


def series_feed_events(series) -> QuerySet[Event]:
    """The series' meetings for its calendar feed: the coming ones and the last year."""
    since = timezone.now() - timedelta(days=365)
    return (
        Event.objects.filter(series=series, ends_at__gte=since)
        .exclude(status=Event.Status.DRAFT)
        .order_by("starts_at")
    )


def series_next_event(event: Event) -> Event | None:
    """The next published meeting of this meeting's series after it, if any."""
    if event.series_id is None:
        return None
    return (
        Event.objects.filter(
            series_id=event.series_id,
            status=Event.Status.PUBLISHED,
            starts_at__gt=event.starts_at,
            ends_at__gte=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
