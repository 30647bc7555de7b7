"""Sign-ups, changes and cancellations by attendees and organisers.

Each service runs in one transaction that first takes the event lock (see locking.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import selectors
from ..answers import AnswerValue, answer_values
from ..models import Event, OutgoingEmail, ProgrammeItem, Registration
from .errors import RegistrationError
from .locking import lock_event, lock_event_for_signup
from .mail import email_queue
from .questions import answers_check, answers_save, choices_fit, confirmed_places
from .seats import check_party_size, check_sessions, sessions_fit
from .waitlist import waitlist_promote


@dataclass(frozen=True)
class SignUp:
    registration: Registration
    created: bool


# A-Z only: str.lower() makes some letters longer ("İ" becomes "i" and a dot above), and
# an address of 254 characters would no longer fit its column (a server error on PostgreSQL).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _normalise_email(email: str) -> str:
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.translate(_ASCII_LOWER)}" if local else email.strip()


def registration_create(
    *,
    event: Event,
    name: str,
    email: str,
    phone: str = "",
    background: str = "",
    organisation: str = "",
    party_size: int = 1,
    sessions: Iterable[ProgrammeItem] = (),
    topic: str = "",
    needs: str = "",
    newsletter_opt_in: bool = False,
    language: str = "nl",
    added_by=None,
    consent_note: str = "",
    answers: Iterable[AnswerValue] = (),
) -> SignUp:
    """Sign someone up: confirmed while places last, otherwise on the waiting list.

    Signing up again with the same email creates nothing: the existing registration is
    returned and its link emailed again.
    """
    email = _normalise_email(email)
    # Everything that does not depend on the places left is checked before the lock, so
    # the lock (one writer at a time on SQLite, the event row on PostgreSQL) is short.
    _check_signup_state(event, added_by)
    chosen = check_sessions(event=event, sessions=sessions)
    answers = answers_check(event=event, answers=answers)
    try:
        with transaction.atomic():
            event = lock_event_for_signup(event)
            _check_signup_state(event, added_by)
            check_party_size(event, party_size)
            # The meeting's places and those of any chosen answer with a limit, counted
            # in one statement (the lock is held while counting).
            limited = [c for a in answers for c in a.choices if c.capacity is not None]
            if limited:
                people, per_choice = confirmed_places(event, limited)
                seats_left = event.seats_left(people)
            else:
                seats_left = event.seats_left()
            fits = seats_left is None or party_size <= seats_left
            if fits and not sessions_fit(chosen, party_size):
                raise RegistrationError("session_full")
            if fits and any(per_choice[c.pk] + party_size > c.capacity for c in limited):
                raise RegistrationError("choice_full")
            now = timezone.now()
            registration = Registration.objects.create(
                event=event,
                name=name.strip(),
                email=email,
                phone=phone.strip(),
                background=background,
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
            if answers:
                answers_save(registration=registration, answers=answers)
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


def registration_cancel(*, registration: Registration) -> Registration:
    """Cancel a registration and give its places to the waiting list."""
    with transaction.atomic():
        event = lock_event(registration.event)
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
    answers: Iterable[AnswerValue] | None = None,
) -> Registration:
    """Change the party size, session choices or answers; places are checked as at sign-up.

    `answers` (None: unchanged) replaces every answer, and only while sign-up is open. A
    chosen answer with a limit counts the places of everyone else with a place.
    """
    if answers is not None:
        answers = answers_check(event=registration.event, answers=answers)
    with transaction.atomic():
        event = lock_event(registration.event)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            raise RegistrationError("registration_cancelled")
        if event.registration_state() not in {"open", "closed"} or event.is_past:
            raise RegistrationError("locked")
        if answers is not None and event.registration_state() != "open":
            raise RegistrationError("closed")
        check_party_size(event, party_size)
        chosen = check_sessions(event=event, sessions=sessions)
        if registration.status == Registration.Status.CONFIRMED:
            if event.capacity is not None:
                others = event.confirmed_people() - registration.party_size
                if others + party_size > event.capacity:
                    raise RegistrationError("no_room")
            if not sessions_fit(chosen, party_size, exclude_pk=registration.pk):
                raise RegistrationError("session_full")
            if not choices_fit(
                _choices_to_count(registration, answers, party_size),
                party_size,
                exclude_pk=registration.pk,
            ):
                raise RegistrationError("choice_full")
        freed = party_size < registration.party_size
        registration.party_size = party_size
        registration.save(update_fields=["party_size", "updated_at"])
        registration.sessions.set(chosen)
        if answers is not None:
            registration.answers.all().delete()
            answers_save(registration=registration, answers=answers)
        if freed and registration.status == Registration.Status.CONFIRMED:
            waitlist_promote(event=event)
        return registration


def _choices_to_count(
    registration: Registration, answers: list[AnswerValue] | None, party_size: int
) -> list[AnswerValue]:
    """The chosen answers whose places must be counted again.

    A larger party: every chosen answer, kept or new. Otherwise only newly chosen ones, so
    an answer whose limit was lowered later does not block changing anything else.
    """
    before = answer_values(registration.answers.select_related("question", "choice"))
    if party_size > registration.party_size:
        return before if answers is None else answers
    if answers is None:
        return []
    had = {choice.pk for value in before for choice in value.choices}
    return [
        AnswerValue(question=v.question, choices=[c for c in v.choices if c.pk not in had])
        for v in answers
    ]


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


def registration_resend(*, registration: Registration) -> None:
    with transaction.atomic():
        email_queue(registration=registration, kind=OutgoingEmail.Kind.LINK_RESENT)
