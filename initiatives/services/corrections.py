"""Residents' reports of a change, and the yearly check that an entry is still active."""

from django.db import transaction
from django.utils import timezone

from ..models import CorrectionReport, Initiative, InitiativeChange
from .entries import InitiativeError, _email, _record


@transaction.atomic
def correction_report_create(
    *, initiative: Initiative, message: str, reporter_name: str = "", reporter_email: str = ""
) -> CorrectionReport:
    """A reader reports a change; it stays private until a coordinator handles it."""
    message = message.strip()
    if not message:
        raise InitiativeError("message_required")
    if not initiative.is_published:
        raise InitiativeError("not_published")
    report = CorrectionReport.objects.create(
        initiative=initiative,
        message=message,
        reporter_name=reporter_name.strip(),
        reporter_email=reporter_email,
    )
    _record(initiative, InitiativeChange.Action.CORRECTION_REPORTED, note=message)
    return report


@transaction.atomic
def correction_report_resolve(
    *, report: CorrectionReport, user, handled: bool, note: str = ""
) -> CorrectionReport:
    """Close a correction report: handled (the entry was edited) or dismissed."""
    report = CorrectionReport.objects.select_for_update().get(pk=report.pk)
    if report.state != CorrectionReport.State.OPEN:
        raise InitiativeError("already_decided")
    report.state = CorrectionReport.State.HANDLED if handled else CorrectionReport.State.DISMISSED
    report.decided_at = timezone.now()
    report.save(update_fields=["state", "decided_at"])
    action = (
        InitiativeChange.Action.CORRECTION_HANDLED
        if handled
        else InitiativeChange.Action.CORRECTION_DISMISSED
    )
    _record(report.initiative, action, user=user, note=note)
    return report


@transaction.atomic
def initiative_verify(*, initiative: Initiative, by: str, user=None) -> Initiative:
    """Someone confirmed the initiative is still active: it counts as checked today."""
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if locked.publication != Initiative.Publication.PUBLISHED:
        raise InitiativeError("not_published")
    locked.last_verified_on = timezone.localdate()
    locked.last_verified_by = by[:150]
    locked.save(update_fields=["last_verified_on", "last_verified_by", "updated_at"])
    _record(locked, InitiativeChange.Action.VERIFIED, user=user, note=by)
    return locked


@transaction.atomic
def verification_request_send(*, initiative: Initiative) -> bool:
    """Email the contact a link to confirm the initiative is still active."""
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if not locked.contact_email or locked.publication != Initiative.Publication.PUBLISHED:
        return False
    locked.verification_requested_at = timezone.now()
    locked.save(update_fields=["verification_requested_at"])
    _email("verify", locked, locked.contact_email)
    return True
