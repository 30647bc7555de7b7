"""A meeting from draft to published, changed, copied or cancelled."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from ..models import Event, OutgoingEmail, ProgrammeItem, Registration
from .errors import EventError
from .following import followers_notify_schedule
from .locking import lock_event
from .mail import email_queue
from .waitlist import waitlist_promote


@dataclass(frozen=True)
class EventSaved:
    event: Event
    promoted: list[Registration]


def _programme_save(
    *, event: Event, items: Iterable[ProgrammeItem], removed: Iterable[ProgrammeItem]
) -> None:
    for item in removed:
        if item.pk is not None and item.event_id == event.pk:
            item.delete()
    for item in items:
        item.event = event
        item.save()


def event_create(
    *,
    organisation,
    details: dict[str, object],
    hosts: Iterable = (),
    programme: Iterable[ProgrammeItem] = (),
) -> Event:
    """A new meeting of `organisation` as a draft, with its programme."""
    try:
        with transaction.atomic():
            event = Event(**details)
            event.organisation = organisation
            event.status = Event.Status.DRAFT
            event.save()
            event.hosts.set(hosts)
            _programme_save(event=event, items=programme, removed=())
            return event
    except IntegrityError:
        if Event.objects.filter(slug=details.get("slug")).exists():
            raise EventError("slug_taken") from None
        raise


def event_update(
    *,
    event: Event,
    details: dict[str, object],
    hosts: Iterable | None = None,
    programme: Iterable[ProgrammeItem] = (),
    programme_removed: Iterable[ProgrammeItem] = (),
) -> EventSaved:
    """Change a meeting and its programme; more places promote the waiting list at once.

    `hosts` None keeps the hosts as they are. Who may edit is the organisation's
    business (and the co-organisers'); editing does not make anyone an organiser.
    """
    try:
        with transaction.atomic():
            locked = lock_event(event)
            old_capacity = locked.capacity
            for name, value in details.items():
                setattr(locked, name, value)
            locked.save()
            if hosts is not None:
                locked.hosts.set(hosts)
            _programme_save(event=locked, items=programme, removed=programme_removed)
            promoted = waitlist_promote(event=locked) if locked.capacity != old_capacity else []
            return EventSaved(locked, promoted)
    except IntegrityError:
        if Event.objects.filter(slug=details.get("slug")).exclude(pk=event.pk).exists():
            raise EventError("slug_taken") from None
        raise


def event_publish(*, event: Event) -> Event:
    """Open a draft for sign-ups; its organisation's and series' followers hear of it soon."""
    with transaction.atomic():
        locked = lock_event(event)
        if locked.status != Event.Status.DRAFT:
            raise EventError("not_draft")
        locked.status = Event.Status.PUBLISHED
        locked.save(update_fields=["status", "updated_at"])
        followers_notify_schedule(event=locked)
        return locked


def event_capacity_change(*, event: Event, capacity: int | None) -> list[Registration]:
    """Set a new capacity; more places promote the waiting list at once."""
    with transaction.atomic():
        locked = lock_event(event)
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        return waitlist_promote(event=locked)


def event_duplicate(
    *,
    event: Event,
    starts_at: datetime,
    slug: str,
    title: str | None = None,
) -> Event:
    """A copy as a draft on a new date: same organisation, series, co-organisers, hosts,
    programme and sign-up questions; nobody is registered."""
    try:
        with transaction.atomic():
            shift = starts_at - event.starts_at
            programme = list(event.programme.all())
            organisers = list(event.organisers.all())
            hosts = list(event.hosts.all())
            copy = Event.objects.get(pk=event.pk)
            copy.pk = None
            copy.id = None
            copy.slug = slug
            copy.title = title or event.title
            copy.status = Event.Status.DRAFT
            copy.followers_notified_at = None  # a new meeting: its followers hear of it
            copy.starts_at = starts_at
            copy.ends_at = event.ends_at + shift
            for field in ("registration_opens_at", "registration_closes_at"):
                value = getattr(event, field)
                setattr(copy, field, value + shift if value else None)
            copy.save()
            copy.organisers.set(organisers)
            copy.hosts.set(hosts)
            for item in programme:
                item.pk = None
                item.id = None
                item.event = copy
                item.save()
            _questions_copy(event, copy)
            return copy
    except IntegrityError:
        if Event.objects.filter(slug=slug).exists():
            raise EventError("slug_taken") from None
        raise


def _questions_copy(event: Event, copy: Event) -> None:
    """The questions and their answers to choose, each 'show only if' pointing at the copy's."""
    questions = list(event.questions.prefetch_related("choices").order_by("position", "pk"))
    choice_copies = {}
    conditions = []
    for question in questions:
        choices = list(question.choices.all())
        condition = question.show_if_id
        question.pk = question.id = None
        question.event = copy
        question.show_if = None
        question.save()
        for choice in choices:
            old_pk = choice.pk
            choice.pk = choice.id = None
            choice.question = question
            choice.save()
            choice_copies[old_pk] = choice
        if condition is not None:
            conditions.append((question, condition))
    for question, condition in conditions:
        if condition in choice_copies:
            question.show_if = choice_copies[condition]
            question.save(update_fields=["show_if"])


def event_cancel(*, event: Event) -> int:
    """Cancel the meeting and email everyone who had a place or was waiting."""
    with transaction.atomic():
        event = lock_event(event)
        if event.status == Event.Status.CANCELLED:
            return 0
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        active = Registration.objects.filter(event=event).exclude(
            status=Registration.Status.CANCELLED
        )
        count = 0
        for registration in active:
            email_queue(registration=registration, kind=OutgoingEmail.Kind.EVENT_CANCELLED)
            count += 1
        return count
