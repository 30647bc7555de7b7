"""What the meetings hold about people: registrations and the emails sent to them.

The meetings' provider for the personal-data registry (`zorgzaam.personal_data`), and the
download an attendee takes from their own registration page.
"""

from datetime import datetime

from django.db import transaction

from .models import DoorLink, Registration
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
                or ", ".join(choice.label for choice in answer.choices.all()),
            }
            for answer in registration.answers.select_related("question")
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


class EventsPersonalData:
    label = "events"

    def export(self, *, email: str) -> dict:
        return {"registrations": [_registration_record(r) for r in _registrations(email)]}

    def erase(self, *, email: str) -> dict[str, int]:
        """Cancel (the place goes to the waiting list) and anonymise each registration."""
        registrations = list(_registrations(email))
        for registration in registrations:
            registration_erase(registration=registration)
        return {"registrations": len(registrations)}

    def purge(self, *, now: datetime, cutoff: datetime) -> dict[str, int]:
        """Anonymise the registrations (and email log) of meetings that ended before `cutoff`."""
        with transaction.atomic():
            anonymised = registrations_anonymise(
                registrations=Registration.objects.filter(event__ends_at__lt=cutoff)
            )
            # A door link's label names a volunteer; it goes with the attendees' data.
            door_links, _ = DoorLink.objects.filter(expires_at__lt=cutoff).delete()
            return {"registrations": anonymised, "door_links": door_links}
