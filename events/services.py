"""Every write with rules about seats, the waiting list and attendee email.

Each service runs in one transaction that first locks the event: on PostgreSQL with
SELECT … FOR UPDATE on the event row, on SQLite by the write lock that
transaction_mode=IMMEDIATE takes at BEGIN. Seats are recounted under that lock, so
concurrent sign-ups can never confirm more people than the capacity.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from . import selectors
from .models import (
    Event,
    OutgoingEmail,
    ProgrammeItem,
    Registration,
    new_management_token,
    new_ticket_code,
)


class RegistrationError(Exception):
    """A sign-up or change that the rules do not allow; `code` is machine-readable."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


@dataclass(frozen=True)
class SignUp:
    registration: Registration
    created: bool


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _lock_event_for_signup(event: Event) -> Event:
    """The lock, reading only what a sign-up decides on (the lock is held briefly).

    The places taken are counted afterwards, in a statement of their own: on PostgreSQL a
    statement that waited for the lock still sees the data from before it waited.
    """
    return (
        Event.objects.select_for_update()
        .only(
            "status",
            "capacity",
            "max_party_size",
            "registration_opens_at",
            "registration_closes_at",
            "ends_at",
        )
        .get(pk=event.pk)
    )


def _normalise_email(email: str) -> str:
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else email.strip()


def _confirmed_in_session(item: ProgrammeItem) -> int:
    total = item.registrations.filter(status=Registration.Status.CONFIRMED).aggregate(
        total=Sum("party_size")
    )["total"]
    return total or 0


def _check_sessions(*, event: Event, sessions: Iterable[ProgrammeItem]) -> list[ProgrammeItem]:
    """At most one choosable session per time slot, all of this event."""
    chosen = list(sessions)
    slots = set()
    for item in chosen:
        if item.event_id != event.pk or not item.is_choosable:
            raise RegistrationError("invalid_session")
        if item.start_time in slots:
            raise RegistrationError("one_session_per_slot")
        slots.add(item.start_time)
    return chosen


def _sessions_fit(sessions: list[ProgrammeItem], party_size: int, exclude_pk=None) -> bool:
    for item in sessions:
        if item.capacity is None:
            continue
        taken = _confirmed_in_session(item)
        if exclude_pk is not None:
            own = item.registrations.filter(
                pk=exclude_pk, status=Registration.Status.CONFIRMED
            ).aggregate(total=Sum("party_size"))["total"]
            taken -= own or 0
        if taken + party_size > item.capacity:
            return False
    return True


def _check_party_size(event: Event, party_size: int) -> None:
    if not 1 <= party_size <= event.max_party_size:
        raise RegistrationError("party_size")


def email_queue(*, registration: Registration, kind: str, message=None) -> OutgoingEmail:
    """Record an email and have the background worker send it."""
    mail = OutgoingEmail.objects.create(registration=registration, kind=kind, message=message)
    _enqueue(mail)
    return mail


def registration_create(
    *,
    event: Event,
    name: str,
    email: str,
    phone: str = "",
    role: str = "",
    organisation: str = "",
    party_size: int = 1,
    sessions: Iterable[ProgrammeItem] = (),
    topic: str = "",
    needs: str = "",
    newsletter_opt_in: bool = False,
    language: str = "nl",
    added_by=None,
    consent_note: str = "",
) -> SignUp:
    """Sign someone up: confirmed while places last, otherwise on the waiting list.

    Signing up again with the same email creates nothing: the existing registration is
    returned and its link emailed again.
    """
    email = _normalise_email(email)
    # Everything that does not depend on the places left is checked before the lock, so
    # the lock (one writer at a time on SQLite, the event row on PostgreSQL) is short.
    _check_signup_state(event, added_by)
    chosen = _check_sessions(event=event, sessions=sessions)
    try:
        with transaction.atomic():
            event = _lock_event_for_signup(event)
            _check_signup_state(event, added_by)
            _check_party_size(event, party_size)
            seats_left = event.seats_left()
            fits = seats_left is None or party_size <= seats_left
            if fits and not _sessions_fit(chosen, party_size):
                raise RegistrationError("session_full")
            now = timezone.now()
            registration = Registration.objects.create(
                event=event,
                name=name.strip(),
                email=email,
                phone=phone.strip(),
                role=role,
                organisation=organisation.strip(),
                party_size=party_size,
                topic=topic.strip(),
                needs=needs.strip(),
                newsletter_opt_in=newsletter_opt_in,
                newsletter_opt_in_at=now if newsletter_opt_in else None,
                status=(Registration.Status.CONFIRMED if fits else Registration.Status.WAITLIST),
                waitlisted_at=None if fits else now,
                language=language,
                added_by=added_by,
                consent_note=consent_note.strip(),
            )
            if chosen:
                registration.sessions.add(*chosen)
            email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
            return SignUp(registration, created=True)
    except IntegrityError:
        # Signed up before with this address (in any letter case): the database refuses a
        # second active registration, even from two simultaneous sign-ups. Nothing new
        # is stored; the existing registration's link is emailed again.
        existing = _active_registration(event, email)
        if existing is None:
            raise
        with transaction.atomic():
            email_queue(registration=existing, kind=OutgoingEmail.Kind.LINK_RESENT)
        return SignUp(existing, created=False)


def _check_signup_state(event: Event, added_by) -> None:
    state = event.registration_state()
    # Organisers may add someone who phoned or walked in outside the sign-up window.
    if state != "open" and not (added_by and state in {"not_yet", "closed", "draft"}):
        raise RegistrationError(state)


def _active_registration(event: Event, email: str) -> Registration | None:
    return selectors.active_registrations_with_email(event.pk, email).first()


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
        .order_by("waitlisted_at", "pk")
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
            if not _sessions_fit([item], registration.party_size)
        ]
        if full:
            registration.sessions.remove(*full)
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


def registration_cancel(*, registration: Registration) -> Registration:
    """Cancel a registration and give its places to the waiting list."""
    with transaction.atomic():
        event = _lock_event(registration.event)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            return registration
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.waitlisted_at = None
        registration.save(update_fields=["status", "cancelled_at", "waitlisted_at", "updated_at"])
        email_queue(registration=registration, kind=OutgoingEmail.Kind.CANCELLED)
        if was_confirmed:
            waitlist_promote(event=event)
        return registration


def registration_update(
    *,
    registration: Registration,
    party_size: int,
    sessions: Iterable[ProgrammeItem],
) -> Registration:
    """Change the party size or session choices; places are checked as for a sign-up."""
    with transaction.atomic():
        event = _lock_event(registration.event)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            raise RegistrationError("registration_cancelled")
        if event.registration_state() not in {"open", "closed"} or event.is_past:
            raise RegistrationError("locked")
        _check_party_size(event, party_size)
        chosen = _check_sessions(event=event, sessions=sessions)
        if registration.status == Registration.Status.CONFIRMED:
            if event.capacity is not None:
                others = event.confirmed_people() - registration.party_size
                if others + party_size > event.capacity:
                    raise RegistrationError("no_room")
            if not _sessions_fit(chosen, party_size, exclude_pk=registration.pk):
                raise RegistrationError("session_full")
        freed = party_size < registration.party_size
        registration.party_size = party_size
        registration.save(update_fields=["party_size", "updated_at"])
        registration.sessions.set(chosen)
        if freed and registration.status == Registration.Status.CONFIRMED:
            waitlist_promote(event=event)
        return registration


def attendee_update(
    *, registration: Registration, details: dict[str, object], party_size: int
) -> Registration:
    """An organiser's edit of an attendee: the details and the party size, or nothing."""
    with transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(**details, updated_at=timezone.now())
        registration = Registration.objects.get(pk=registration.pk)
        if party_size != registration.party_size:
            registration = registration_update(
                registration=registration,
                party_size=party_size,
                sessions=list(registration.sessions.all()),
            )
        return registration


def event_capacity_change(*, event: Event, capacity: int | None) -> list[Registration]:
    """Set a new capacity; more places promote the waiting list at once."""
    with transaction.atomic():
        locked = _lock_event(event)
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        return waitlist_promote(event=locked)


def registrations_anonymise(*, registrations) -> int:
    """Erase names, addresses, free text and secrets; keep what the counts need.

    Status, party size, background and sessions survive, so attendance figures stay true.
    """
    count = 0
    now = timezone.now()
    for registration in registrations.filter(erased_at__isnull=True).only("pk"):
        registration.emails.all().delete()
        Registration.objects.filter(pk=registration.pk).update(
            name="",
            email=f"erased-{registration.pk}@invalid",
            phone="",
            organisation="",
            topic="",
            needs="",
            newsletter_opt_in=False,
            newsletter_opt_in_at=None,
            # Fresh secrets: the old link and ticket stop working.
            management_token=new_management_token(),
            ticket_code=new_ticket_code(),
            erased_at=now,
        )
        count += 1
    return count


def registration_erase(*, registration: Registration) -> None:
    """Cancel if needed, then erase the attendee's personal data at their request."""
    registration = registration_cancel(registration=registration)
    with transaction.atomic():
        registrations_anonymise(registrations=Registration.objects.filter(pk=registration.pk))


TICKET_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class CheckIn:
    result: str  # ok, already, unknown, wrong_event, cancelled, waitlist
    registration: Registration | None = None


def checkin_perform(*, event: Event, code: str, user=None) -> CheckIn:
    """Check a ticket in at the door. Scanning twice, or on two phones at once, checks in once.

    The check-in itself is one conditional UPDATE, so concurrent scans cannot both win.
    """
    code = (code or "").strip()
    if not TICKET_CODE.fullmatch(code):
        return CheckIn("unknown")  # not even the shape of a ticket code
    registration = Registration.objects.filter(ticket_code=code).first()
    if registration is None:
        return CheckIn("unknown")
    if registration.event_id != event.pk:
        return CheckIn("wrong_event")
    if registration.status == Registration.Status.CANCELLED:
        return CheckIn("cancelled", registration)
    if registration.status == Registration.Status.WAITLIST:
        return CheckIn("waitlist", registration)
    won = Registration.objects.filter(
        pk=registration.pk, status=Registration.Status.CONFIRMED, checked_in_at__isnull=True
    ).update(checked_in_at=timezone.now(), checked_in_by=user)
    registration.refresh_from_db(fields=["checked_in_at", "checked_in_by", "status"])
    return CheckIn("ok" if won else "already", registration)


def checkin_by_registration(*, registration: Registration, user=None) -> CheckIn:
    """Check in from the name search: the same rules as a scan."""
    return checkin_perform(event=registration.event, code=registration.ticket_code, user=user)


def checkin_undo(*, registration: Registration) -> None:
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=None, checked_in_by=None)


def waitlist_confirm(*, registration: Registration, override: bool = False) -> Registration:
    """Give a waiting registration a place; beyond capacity only when the organiser insists."""
    with transaction.atomic():
        event = _lock_event(registration.event)
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


def registration_resend(*, registration: Registration) -> None:
    with transaction.atomic():
        email_queue(registration=registration, kind=OutgoingEmail.Kind.LINK_RESENT)


def event_cancel(*, event: Event) -> int:
    """Cancel the meeting and email everyone who had a place or was waiting."""
    with transaction.atomic():
        event = _lock_event(event)
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


def event_duplicate(*, event: Event, starts_at, slug: str, title: str | None = None) -> Event:
    """A copy as a draft on a new date, programme included; nobody is registered."""
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
        return copy


def message_send(*, event: Event, author, audience: str, subject: str, body: str):
    """Email the attendees (confirmed, waiting or both) in the background; returns the record."""
    from .models import OrganiserMessage

    statuses = {
        OrganiserMessage.Audience.CONFIRMED: [Registration.Status.CONFIRMED],
        OrganiserMessage.Audience.WAITLIST: [Registration.Status.WAITLIST],
        OrganiserMessage.Audience.BOTH: [
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLIST,
        ],
    }[audience]
    with transaction.atomic():
        message = OrganiserMessage.objects.create(
            event=event, author=author, audience=audience, subject=subject, body=body
        )
        recipients = Registration.objects.filter(event=event, status__in=statuses)
        for registration in recipients:
            email_queue(registration=registration, kind=OutgoingEmail.Kind.MESSAGE, message=message)
            message.recipients += 1
        message.save(update_fields=["recipients"])
        return message


def _enqueue(mail: OutgoingEmail) -> None:
    from django_tasks_db import DatabaseBackend

    from .tasks import outgoing_email_send

    if isinstance(outgoing_email_send.get_backend(), DatabaseBackend):
        # The queue is a table in this same database: enqueue inside the transaction, so
        # the registration and its email commit together (and in one write, not two).
        outgoing_email_send.enqueue(mail.pk)
    else:
        transaction.on_commit(lambda: outgoing_email_send.enqueue(mail.pk))


def reminders_send_due(*, now=None) -> int:
    """Queue the reminder for every confirmed attendee whose meeting is near, exactly once.

    Each registration is claimed with a conditional UPDATE, so two runs at the same time
    still send one reminder per person.
    """
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__reminder_days__gt=0,
        event__starts_at__gt=now,
    ).select_related("event")
    count = 0
    for registration in due:
        event = registration.event
        if event.starts_at - timedelta(days=event.reminder_days) > now:
            continue
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                email_queue(registration=registration, kind=OutgoingEmail.Kind.REMINDER)
                count += 1
    return count


def access_record(*, user, event: Event, action: str) -> None:
    from .models import AccessLog

    AccessLog.objects.create(user=user, event=event, action=action)
