"""Submissions and the coordinators' decisions on them: edit, accept, reject."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import (
    Activity,
    Initiative,
    InitiativeChange,
    InitiativeType,
    Municipality,
    TargetGroup,
)
from .entries import (
    EDITABLE_FIELDS,
    M2M_FIELDS,
    InitiativeError,
    _display,
    _email,
    _record,
    initiative_index,
    unique_slug,
    user_label,
)


@transaction.atomic
def initiative_submit(
    *,
    name: str,
    initiative_type: InitiativeType,
    municipality: Municipality,
    submitter_name: str,
    submitter_email: str,
    place: str = "",
    postcode_area: str = "",
    summary: str = "",
    description: str = "",
    activities: Iterable[Activity] = (),
    target_groups: Iterable[TargetGroup] = (),
    website: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    contact_consent: bool = False,
) -> Initiative:
    """A public submission: stored as pending, invisible until a coordinator accepts it."""
    name = " ".join(name.split())
    if not name:
        raise InitiativeError("name_required")
    initiative = Initiative.objects.create(
        name=name,
        slug=unique_slug(name),
        initiative_type=initiative_type,
        municipality=municipality,
        place=place.strip(),
        postcode_area=postcode_area.strip(),
        summary=summary.strip(),
        description=description.strip(),
        website=website,
        contact_name=contact_name.strip(),
        contact_email=contact_email,
        contact_phone=contact_phone.strip(),
        contact_consent=contact_consent,
        submitter_name=submitter_name.strip(),
        submitter_email=submitter_email,
        publication=Initiative.Publication.PENDING,
    )
    initiative.activities.set(activities)
    initiative.target_groups.set(target_groups)
    initiative_index(initiative=initiative)
    _record(initiative, InitiativeChange.Action.SUBMITTED, note=submitter_name.strip())
    _email("received", initiative, submitter_email)
    return initiative


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    user,
    data: dict,
    note: str = "",
) -> Initiative:
    """A coordinator's edit; every changed field is kept in the history."""
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    changes = {}
    for field in EDITABLE_FIELDS:
        if field not in data:
            continue
        old, new = getattr(locked, field), data[field]
        if old != new:
            changes[field] = [_display(old), _display(new)]
            setattr(locked, field, new)
    if "name" in changes:
        locked.slug = unique_slug(locked.name, exclude_pk=locked.pk)
    locked.save()
    for field in M2M_FIELDS:
        if field not in data:
            continue
        old = sorted(str(term) for term in getattr(locked, field).all())
        new = sorted(str(term) for term in data[field])
        if old != new:
            changes[field] = [", ".join(old), ", ".join(new)]
            getattr(locked, field).set(data[field])
    initiative_index(initiative=locked)
    if changes:
        _record(locked, InitiativeChange.Action.EDITED, user=user, note=note, changes=changes)
    return locked


def _lock_pending(initiative: Initiative) -> Initiative:
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if locked.publication != Initiative.Publication.PENDING:
        raise InitiativeError("not_pending")
    return locked


@transaction.atomic
def initiative_approve(*, initiative: Initiative, user, note: str = "") -> Initiative:
    """Publish a pending submission; it counts as checked today."""
    locked = _lock_pending(initiative)
    locked.publication = Initiative.Publication.PUBLISHED
    locked.last_verified_on = timezone.localdate()
    locked.last_verified_by = user_label(user)
    locked.save()
    _record(locked, InitiativeChange.Action.ACCEPTED, user=user, note=note)
    _email("accepted", locked, locked.submitter_email, note)
    return locked


@transaction.atomic
def initiative_reject(*, initiative: Initiative, user, reason: str) -> Initiative:
    """Turn a submission down with a reason, which the submitter receives."""
    reason = reason.strip()
    if not reason:
        raise InitiativeError("reason_required")
    locked = _lock_pending(initiative)
    locked.publication = Initiative.Publication.REJECTED
    locked.save()
    _record(locked, InitiativeChange.Action.REJECTED, user=user, note=reason)
    _email("rejected", locked, locked.submitter_email, reason)
    return locked
