"""What the catalogue holds about people, for the personal-data registry.

Addresses appear as initiatives' contacts and submitters, on correction reports, in the
moderation log's recorded field changes, and in the rows of spreadsheet imports waiting
for their confirm (`PendingImport`, an hour at most).
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from .models import CorrectionReport, Initiative, InitiativeChange, PendingImport

ERASED = "[gewist]"


def _mentions(value, email: str) -> bool:
    return email.lower() in str(value).lower()


def _changes(email: str):
    return InitiativeChange.objects.filter(changes__icontains=email)


def _pending_imports(email: str):
    return PendingImport.objects.filter(rows__icontains=email)


def _scrub(value, email: str):
    if isinstance(value, str):
        return ERASED if _mentions(value, email) else value
    if isinstance(value, dict):
        return {key: _scrub(item, email) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, email) for item in value]
    return value


class InitiativesPersonalData:
    label = "initiatives"

    def export(self, *, email: str) -> dict:
        initiatives = Initiative.objects.filter(
            Q(contact_email__iexact=email) | Q(submitter_email__iexact=email)
        )
        return {
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
            "pending_imports": [
                {
                    "uploaded": pending.created_at.isoformat(),
                    "rows": [row for row in pending.rows if _mentions(row, email)],
                }
                for pending in _pending_imports(email)
            ],
        }

    def erase(self, *, email: str) -> dict[str, int]:
        """Clear the address from the catalogue; the moderation log keeps "[gewist]".

        A pending import that mentions the address is deleted whole, not edited: its
        confirm must import what the coordinator previewed, so they upload the file again.
        """
        with transaction.atomic():
            counts = {
                "initiative_contacts": Initiative.objects.filter(
                    contact_email__iexact=email
                ).update(
                    contact_name="", contact_email="", contact_phone="", contact_consent=False
                ),
                "initiative_submitters": Initiative.objects.filter(
                    submitter_email__iexact=email
                ).update(submitter_name="", submitter_email=""),
                "correction_reports": CorrectionReport.objects.filter(
                    reporter_email__iexact=email
                ).update(reporter_name="", reporter_email=""),
            }
            changes = list(_changes(email))
            for change in changes:
                change.changes = _scrub(change.changes, email)
                change.note = _scrub(change.note, email)
                change.save(update_fields=["changes", "note"])
            counts["moderation_log_entries"] = len(changes)
            counts["pending_imports"] = _pending_imports(email).delete()[0]
        return counts

    def purge(self, *, now: datetime, cutoff: datetime) -> dict[str, int]:
        """Pending imports past their lifetime go (their preview has expired anyway)."""
        expired = PendingImport.objects.filter(created_at__lt=now - PendingImport.LIFETIME)
        return {"pending_imports": expired.delete()[0]}
