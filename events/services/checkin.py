"""Check-in at the door: one conditional UPDATE per ticket, so a scan counts once."""

import re
from dataclasses import dataclass

from django.utils import timezone

from ..models import DoorLink, Event, Registration

TICKET_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class CheckIn:
    result: str  # ok, already, unknown, wrong_event, cancelled, waitlist
    registration: Registration | None = None


def checkin_perform(*, event: Event, code: str, user=None, door_link=None) -> CheckIn:
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
    now = timezone.now()
    won = Registration.objects.filter(
        pk=registration.pk, status=Registration.Status.CONFIRMED, checked_in_at__isnull=True
    ).update(
        checked_in_at=now,
        checked_in_by=user if user is not None and user.is_authenticated else None,
        checked_in_via=door_link,
    )
    if won and door_link is not None:
        DoorLink.objects.filter(pk=door_link.pk).update(last_used_at=now)
    registration.refresh_from_db(
        fields=["checked_in_at", "checked_in_by", "checked_in_via", "status"]
    )
    return CheckIn("ok" if won else "already", registration)


def checkin_by_registration(*, registration: Registration, user=None) -> CheckIn:
    """Check in from the name search: the same rules as a scan."""
    return checkin_perform(event=registration.event, code=registration.ticket_code, user=user)


def checkin_undo(*, registration: Registration) -> None:
    Registration.objects.filter(pk=registration.pk).update(
        checked_in_at=None, checked_in_by=None, checked_in_via=None
    )


def checkin_undo_by_code(*, event: Event, code: str) -> bool:
    """Undo a check-in from the door page; False when the code is no ticket of this meeting."""
    code = (code or "").strip()
    if not TICKET_CODE.fullmatch(code):
        return False
    return bool(
        Registration.objects.filter(event=event, ticket_code=code).update(
            checked_in_at=None, checked_in_by=None, checked_in_via=None
        )
    )
