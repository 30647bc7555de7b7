"""What the meetings hold about people: registrations, the emails sent to them, followers.

The meetings' provider for the personal-data registry (`zorgzaam.personal_data`), and the
download an attendee takes from their own registration page.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Lower

from .answers import answer_values
from .models import DoorLink, Follower, LiveQuestion, Registration
from .services import registration_erase, registrations_anonymise


def _registration_record(registration: Registration) -> dict:
    event = registration.event
    return {
        "meeting": event.title,
        "meeting_starts": event.starts_at.isoformat(),
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "background": registration.get_background_display() if registration.background else "",
        "organisation": registration.organisation,
        "people": registration.party_size,
        "sessions": [item.title for item in registration.sessions.all()],
        "what_to_raise": registration.topic,
        "answers": [
            {
                "question": answer.question.label,
                "answer": answer.text
                or (str(answer.number) if answer.number is not None else "")
                or ", ".join(choice.label for choice in answer.choices),
            }
            for answer in answer_values(registration.answers.select_related("question", "choice"))
        ],
        "accessibility_or_dietary_needs": registration.needs,
        "newsletter": registration.newsletter_opt_in,
        "newsletter_consent_given": (
            registration.newsletter_opt_in_at.isoformat()
            if registration.newsletter_opt_in_at
            else None
        ),
        "status": registration.status,
        "registered": registration.created_at.isoformat(),
        "checked_in": registration.checked_in_at.isoformat()
        if registration.checked_in_at
        else None,
        "language": registration.language,
        "emails_sent": [
            {
                "kind": mail.kind,
                "status": mail.status,
                "created": mail.created_at.isoformat(),
                "sent": mail.sent_at.isoformat() if mail.sent_at else None,
            }
            for mail in registration.emails.all()
        ],
    }


def registration_data(registration: Registration) -> dict:
    """What an attendee downloads from their own page."""
    return {"registrations": [_registration_record(registration)]}


def _registrations(email: str):
    return (
        Registration.objects.filter(email__iexact=email)
        .select_related("event")
        .prefetch_related("sessions", "emails")
    )


def _followers(email: str):
    """Every follow of the address, in any letter case (as the unique constraints compare)."""
    return Follower.objects.alias(email_lower=Lower("email")).filter(
        email_lower=Lower(Value(email))
    )


def _follower_record(follower: Follower) -> dict:
    return {
        "organisation": follower.organisation.name,
        "series": follower.series.title if follower.series_id else None,
        "email": follower.email,
        "language": follower.language,
        "asked": follower.created_at.isoformat(),
        "confirmation_sent": (
            follower.confirmation_sent_at.isoformat() if follower.confirmation_sent_at else None
        ),
        "confirmed": follower.confirmed_at.isoformat() if follower.confirmed_at else None,
    }


class EventsPersonalData:
    label = "events"

    def export(self, *, email: str) -> dict:
        followers = _followers(email).select_related("organisation", "series").order_by("pk")
        return {
            "registrations": [_registration_record(r) for r in _registrations(email)],
            "following": [_follower_record(f) for f in followers],
        }

    def erase(self, *, email: str) -> dict[str, int]:
        """Cancel and anonymise each registration (its place goes on); delete every follow."""
        registrations = list(_registrations(email))
        for registration in registrations:
            registration_erase(registration=registration)
        followers, _ = _followers(email).delete()
        return {"registrations": len(registrations), "followers": followers}

    def purge(self, *, now: datetime, cutoff: datetime) -> dict[str, int]:
        """Anonymise registrations of meetings ended before `cutoff`; drop unconfirmed follows."""
        with transaction.atomic():
            anonymised = registrations_anonymise(
                registrations=Registration.objects.filter(event__ends_at__lt=cutoff)
            )
            # A door link's label names a volunteer; it goes with the attendees' data.
            door_links, _ = DoorLink.objects.filter(expires_at__lt=cutoff).delete()
            # A request to follow that was never confirmed goes after its own, shorter time;
            # a confirmed follow stays until its owner stops it.
            unconfirmed, _ = Follower.objects.filter(
                confirmed_at__isnull=True, created_at__lt=now - Follower.CONFIRM_WITHIN
            ).delete()
            # First names typed with live questions go with the rest; the questions, votes
            # and a report's frozen outcomes and agreements hold no one's name and stay.
            live_first_names = (
                LiveQuestion.objects.filter(round__event__ends_at__lt=cutoff)
                .exclude(first_name="")
                .update(first_name="")
            )
            return {
                "registrations": anonymised,
                "live_first_names": live_first_names,
                "door_links": door_links,
                "unconfirmed_followers": unconfirmed,
            }
