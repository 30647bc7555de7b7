"""Merging a duplicate entry into the one that stays."""

from django.db import transaction

from ..models import Initiative, InitiativeChange
from ..signals import initiative_merged
from .entries import (
    EDITABLE_FIELDS,
    M2M_FIELDS,
    InitiativeError,
    _display,
    _email,
    _record,
    initiative_index,
)


@transaction.atomic
def initiative_merge(*, source: Initiative, target: Initiative, user, note: str = "") -> Initiative:
    """Fold a submission into an existing entry: fill the gaps, join the terms, archive it."""
    if source.pk == target.pk:
        raise InitiativeError("same_initiative")
    locked = dict(
        (item.pk, item)
        for item in Initiative.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    )
    source, target = locked[source.pk], locked[target.pk]
    if source.publication not in (
        Initiative.Publication.PENDING,
        Initiative.Publication.PUBLISHED,
    ):
        raise InitiativeError("not_mergeable")
    if target.merged_into_id or target.publication in (
        Initiative.Publication.REJECTED,
        Initiative.Publication.ARCHIVED,
    ):
        raise InitiativeError("target_not_active")
    filled = {}
    for field in EDITABLE_FIELDS:
        value = getattr(source, field)
        if value not in (None, "", False) and getattr(target, field) in (None, ""):
            setattr(target, field, value)
            filled[field] = [None, _display(value)]
    target.save()
    for field in M2M_FIELDS:
        getattr(target, field).add(*getattr(source, field).all())
    # Other apps move what points at the duplicate (meetings move their hosts).
    initiative_merged.send(sender=Initiative, source=source, target=target)
    source.publication = Initiative.Publication.ARCHIVED
    source.merged_into = target
    source.save()
    initiative_index(initiative=target)
    _record(
        source,
        InitiativeChange.Action.MERGED,
        user=user,
        note=note,
        changes={"merged_into": [None, target.name]},
    )
    _record(
        target,
        InitiativeChange.Action.MERGED,
        user=user,
        note=note,
        changes={"merged_from": [None, source.name], **filled},
    )
    _email("merged", source, source.submitter_email, note)
    return target
