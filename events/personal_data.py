"""Everything the site holds about one email address: to hand it over, or to erase it.

Tables with addresses: registrations (and the emails sent to them), initiatives (contact
and submitter), correction reports, and the moderation log's recorded field changes.
"""

from django.db import transaction
from django.db.models import Q

from initiatives.models import CorrectionReport, Initiative, InitiativeChange

from .models import Registration
from .services import registration_erase

ERASED = "[gewist]"


def _registration_record(registration: Registration) -> dict:
    event = registration.event
    return {
        "meeting": event.title,
        "meeting_starts": event.starts_at.isoformat(),
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "background": registration.get_role_display() if registration.role else "",
        "organisation": registration.organisation,
        "people": registration.party_size,
        "sessions": [item.title for item in registration.sessions.all()],
        "what_to_raise": registration.topic,
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


def _changes(email: str):
    return InitiativeChange.objects.filter(changes__icontains=email)


def personal_data_export(*, email: str) -> dict:
    email = email.strip()
    initiatives = Initiative.objects.filter(
        Q(contact_email__iexact=email) | Q(submitter_email__iexact=email)
    )
    return {
        "email": email,
        "registrations": [_registration_record(r) for r in _registrations(email)],
        "initiatives": [
            {
                "initiative": initiative.name,
                "as_contact": initiative.contact_email.lower() == email.lower(),
                "contact_name": initiative.contact_name,
                "contact_phone": initiative.contact_phone,
                "contact_consent": initiative.contact_consent,
                "as_submitter": initiative.submitter_email.lower() == email.lower(),
                "submitter_name": initiative.submitter_name,
            }
            for initiative in initiatives
        ],
        "correction_reports": [
            {
                "initiative": report.initiative.name,
                "message": report.message,
                "reporter_name": report.reporter_name,
                "reported": report.created_at.isoformat(),
            }
            for report in CorrectionReport.objects.filter(
                reporter_email__iexact=email
            ).select_related("initiative")
        ],
        "moderation_log_entries": _changes(email).count(),
    }


def _scrub(value, email: str):
    if isinstance(value, str):
        return ERASED if email.lower() in value.lower() else value
    if isinstance(value, dict):
        return {key: _scrub(item, email) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, email) for item in value]
    return value


def personal_data_erase(*, email: str) -> dict:
    """Erase the address everywhere; returns how many rows of each kind were touched."""
    email = email.strip()
    counts = {}
    registrations = list(_registrations(email))
    for registration in registrations:
        registration_erase(registration=registration)
    counts["registrations"] = len(registrations)
    with transaction.atomic():
        counts["initiative_contacts"] = Initiative.objects.filter(
            contact_email__iexact=email
        ).update(contact_name="", contact_email="", contact_phone="", contact_consent=False)
        counts["initiative_submitters"] = Initiative.objects.filter(
            submitter_email__iexact=email
        ).update(submitter_name="", submitter_email="")
        counts["correction_reports"] = CorrectionReport.objects.filter(
            reporter_email__iexact=email
        ).update(reporter_name="", reporter_email="")
        changes = list(_changes(email))
        for change in changes:
            change.changes = _scrub(change.changes, email)
            change.note = _scrub(change.note, email)
            change.save(update_fields=["changes", "note"])
        counts["moderation_log_entries"] = len(changes)
    return counts
