"""Importing a checked spreadsheet in one transaction, and the preview awaiting confirmation."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Initiative, InitiativeChange, PendingImport
from ..selectors import catalogue_changed
from .entries import InitiativeError, _slug_base, search_fields, user_label
from .moderation import initiative_update


class ImportRejected(InitiativeError):
    """The spreadsheet has rows with errors: nothing was written. `plan` says which."""

    def __init__(self, plan):
        super().__init__("import_has_errors")
        self.plan = plan


@transaction.atomic
def initiatives_import(*, rows: list[dict[str, str]], user):
    """Create and update initiatives from spreadsheet rows, all or nothing.

    The plan is made again inside the transaction, so what is written is what the rows say
    now; one row with an error (or any failure) leaves the catalogue untouched.
    """
    from ..spreadsheets import TERM_FIELDS, import_plan

    plan = import_plan(rows)
    if plan.has_errors:
        raise ImportRejected(plan)
    # New initiatives are inserted together, with their search text, terms and history: one
    # by one through the usual services, 5,000 new rows took longer than a worker may.
    created = []
    taken = set(Initiative.objects.values_list("slug", flat=True))
    for line in plan.rows:
        values = dict(line.values)
        terms = {name: values.pop(name) for name in list(values) if name in TERM_FIELDS}
        if line.action == "create":
            initiative = Initiative(
                slug=_free_slug(values["name"], taken),
                publication=Initiative.Publication.PUBLISHED,
                is_published=True,  # what save() would set; bulk_create does not call it
                last_verified_on=timezone.localdate(),
                last_verified_by=user_label(user),
                **values,
            )
            for key, value in search_fields(initiative, terms=terms).items():
                setattr(initiative, key, value)
            created.append((initiative, terms))
        elif line.action == "update":
            initiative_update(
                initiative=line.initiative, user=user, data={**values, **terms}, note="import"
            )
    if not created:
        return plan
    Initiative.objects.bulk_create([initiative for initiative, _terms in created])
    for name in TERM_FIELDS:
        field = Initiative._meta.get_field(name)
        through = field.remote_field.through
        through.objects.bulk_create(
            through(**{field.m2m_column_name(): initiative.pk, field.m2m_reverse_name(): term.pk})
            for initiative, terms in created
            for term in terms.get(name, ())
        )
    InitiativeChange.objects.bulk_create(
        InitiativeChange(
            initiative=initiative,
            action=InitiativeChange.Action.SUBMITTED,
            user=user if user is not None and user.is_authenticated else None,
            note="import",
        )
        for initiative, _terms in created
    )
    catalogue_changed()
    return plan


def _free_slug(name: str, taken: set[str]) -> str:
    """unique_slug() against a set of the slugs in use, which it adds the new one to."""
    base = _slug_base(name)
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


class ImportExpired(InitiativeError):
    """The previewed import is gone: already imported, expired, or not this user's."""

    def __init__(self):
        super().__init__("import_expired")


def pending_import_create(*, rows: list[dict[str, str]], user) -> PendingImport:
    """Keep previewed rows for their confirm; the user's earlier preview and expired ones go.

    Clearing them here keeps the table at about one row per coordinator, and rows holding
    contact details no longer than until the next preview.
    """
    with transaction.atomic():
        PendingImport.objects.filter(
            Q(user=user) | Q(created_at__lt=timezone.now() - PendingImport.LIFETIME)
        ).delete()
        return PendingImport.objects.create(rows=rows, user=user)


@transaction.atomic
def pending_import_confirm(*, key: str, user):
    """Import what this user previewed under `key`, once: a second confirm is refused.

    The pending import is deleted in the same transaction as the import is written, and
    only the confirm that deleted it goes on (a concurrent one waits for the row and then
    deletes nothing). If the rows are rejected now, nothing changes, the pending import
    included.
    """
    pending = PendingImport.objects.filter(
        key=key, user=user, created_at__gte=timezone.now() - PendingImport.LIFETIME
    ).first()
    if pending is None or PendingImport.objects.filter(pk=pending.pk).delete()[0] != 1:
        raise ImportExpired()
    return initiatives_import(rows=pending.rows, user=user)
