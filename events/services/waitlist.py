"""The waiting list: first come, first served, while the party fits."""

from django.db import transaction

from ..models import Answer, Event, OutgoingEmail, Registration
from .errors import RegistrationError
from .locking import lock_event
from .mail import email_queue
from .questions import confirmed_places
from .seats import sessions_fit


def waitlist_promote(*, event: Event) -> list[Registration]:
    """Confirm waiting registrations, first come first served, while their party fits.

    Call inside a transaction that holds the event lock (every service here does).
    """
    if event.capacity is None:
        seats_left = None
    else:
        seats_left = event.seats_left()
        if seats_left == 0:
            return []
    promoted = []
    waiting = (
        Registration.objects.filter(event=event, status=Registration.Status.WAITLIST)
        .order_by(*Registration.WAITLIST_ORDER)
        .prefetch_related("sessions")
    )
    for registration in waiting:
        if seats_left is not None and registration.party_size > seats_left:
            continue
        # A wished-for session that filled up meanwhile is dropped: the place at the
        # meeting matters more, and the attendee can choose another on their page.
        full = [
            item
            for item in registration.sessions.all()
            if not sessions_fit([item], registration.party_size)
        ]
        if full:
            registration.sessions.remove(*full)
        _drop_full_choices(event, registration)
        registration.status = Registration.Status.CONFIRMED
        registration.waitlisted_at = None
        registration.save(update_fields=["status", "waitlisted_at", "updated_at"])
        email_queue(registration=registration, kind=OutgoingEmail.Kind.PROMOTED)
        promoted.append(registration)
        if seats_left is not None:
            seats_left -= registration.party_size
            if seats_left == 0:
                break
    return promoted


def _drop_full_choices(event: Event, registration: Registration) -> None:
    """Like a full session: a chosen answer whose places ran out is dropped, not the place."""
    chosen = list(
        Answer.objects.filter(
            registration=registration, choice__capacity__isnull=False
        ).select_related("choice")
    )
    if not chosen:
        return
    _, taken = confirmed_places(event, [answer.choice for answer in chosen])
    full = [
        answer.pk
        for answer in chosen
        if taken[answer.choice_id] + registration.party_size > answer.choice.capacity
    ]
    if full:
        Answer.objects.filter(pk__in=full).delete()


def waitlist_confirm(*, registration: Registration, override: bool = False) -> Registration:
    """Give a waiting registration a place; beyond capacity only when the organiser insists."""
    with transaction.atomic():
        event = lock_event(registration.event)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status != Registration.Status.WAITLIST:
            raise RegistrationError("not_waiting")
        seats_left = event.seats_left()
        if seats_left is not None and registration.party_size > seats_left and not override:
            raise RegistrationError("no_room")
        registration.status = Registration.Status.CONFIRMED
        registration.waitlisted_at = None
        registration.save(update_fields=["status", "waitlisted_at", "updated_at"])
        email_queue(registration=registration, kind=OutgoingEmail.Kind.PROMOTED)
        return registration
