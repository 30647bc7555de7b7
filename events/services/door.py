"""Door links and co-organisers: who besides the organisation's team works on a meeting."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from organisations.models import AuditEntry
from organisations.services import audit_record

from ..models import DoorLink, Event
from .errors import EventError


def door_link_create(*, event: Event, label: str, user) -> DoorLink:
    """A check-in link for one meeting, working until a few hours after it ends.

    Refused (`door_link_too_late`) once that time has passed: the link would be dead at birth.
    """
    expires_at = event.ends_at + DoorLink.VALID_AFTER_END
    if expires_at <= timezone.now():
        raise EventError("door_link_too_late")
    with transaction.atomic():
        link = DoorLink.objects.create(
            event=event, label=label, created_by=user, expires_at=expires_at
        )
        audit_record(
            organisation=event.organisation,
            actor=user,
            action=AuditEntry.Action.DOOR_LINK_CREATED,
            subject=label,
            detail=event.title,
        )
        return link


def door_link_revoke(*, link: DoorLink, user) -> bool:
    """Withdraw a door link at once; False when it was withdrawn already."""
    with transaction.atomic():
        revoked = DoorLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            audit_record(
                organisation=link.event.organisation,
                actor=user,
                action=AuditEntry.Action.DOOR_LINK_REVOKED,
                subject=link.label,
                detail=link.event.title,
            )
        return bool(revoked)


def cohost_add(*, event: Event, email: str, user):
    """Name an organiser from another organisation as co-organiser of this one meeting.

    Only people who already organise somewhere (owner or organiser of an organisation)
    can be named, so nobody gets attendee data by being typed in.
    """
    from organisations.models import Membership, Role

    candidate = (
        get_user_model()
        .objects.filter(
            email__iexact=email.strip(),
            is_active=True,
            memberships__role__in=[Role.OWNER, Role.ORGANISER],
        )
        .distinct()
        .order_by("pk")
        .first()
    )
    if candidate is None:
        raise EventError("cohost_unknown")
    # Anyone in the organisation's own team, door volunteers too, gets rights through
    # their role there: the owner changes the role instead.
    if Membership.objects.filter(user=candidate, organisation=event.organisation_id).exists():
        raise EventError("cohost_in_team")
    if event.organisers.filter(pk=candidate.pk).exists():
        return candidate  # named already: nothing changes, nothing to log
    with transaction.atomic():
        event.organisers.add(candidate)
        audit_record(
            organisation=event.organisation,
            actor=user,
            action=AuditEntry.Action.COHOST_ADDED,
            subject=candidate.email,
            detail=event.title,
        )
    return candidate


def cohost_remove(*, event: Event, cohost, user) -> None:
    with transaction.atomic():
        event.organisers.remove(cohost)
        audit_record(
            organisation=event.organisation,
            actor=user,
            action=AuditEntry.Action.COHOST_REMOVED,
            subject=cohost.email,
            detail=event.title,
        )
