"""Every write to the catalogue that has rules: submissions, moderation, corrections, checks.

Each service runs in one transaction, records what happened in InitiativeChange, and
emails the people involved after the transaction commits.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    Activity,
    CorrectionReport,
    Initiative,
    InitiativeChange,
    InitiativeType,
    Municipality,
    PendingImport,
    TargetGroup,
)
from .search import normalise
from .selectors import catalogue_changed
from .signals import initiative_merged

# Paths under /initiatieven/ that an initiative's slug must never take.
RESERVED_SLUGS = {
    "aanmelden",
    "kaart",
    "moderatie",
    "bevestigen",
    "knelpunten",
    "vergelijken",
    "import",
}
M2M_FIELDS = ("approaches", "activities", "target_groups", "themes", "partner_kinds")
# Fields a coordinator edits in the moderation screen and that a merge may fill in.
EDITABLE_FIELDS = (
    "name",
    "initiative_type",
    "summary",
    "description",
    "legal_form",
    "status",
    "founded_year",
    "volunteers_count",
    "members_count",
    "membership_fee",
    "municipality",
    "place",
    "neighbourhood",
    "postcode_area",
    "street_address",
    "show_address",
    "latitude",
    "longitude",
    "area_served",
    "partners",
    "networks",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_consent",
)


class InitiativeError(Exception):
    """A catalogue change the rules do not allow; `code` is machine-readable."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


def _slug_base(name: str) -> str:
    base = slugify(name)[:180] or "initiatief"
    return f"{base}-initiatief" if base in RESERVED_SLUGS else base


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = _slug_base(name)
    slug, number = base, 1
    taken = Initiative.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def search_fields(initiative: Initiative, *, terms: dict | None = None) -> dict[str, str]:
    """The normalised text the search index holds for one initiative.

    Its terms (activities, target groups …) are read from the database, which needs its pk,
    unless `terms` gives them, by field name.
    """
    parts = [
        initiative.name,
        initiative.summary,
        initiative.description,
        initiative.place,
        initiative.neighbourhood,
        initiative.area_served,
        initiative.networks,
        initiative.postcode_area,
    ]
    if initiative.municipality_id:
        parts += [initiative.municipality.name, initiative.municipality.province.name]
    if initiative.initiative_type_id:
        parts += [initiative.initiative_type.name, initiative.initiative_type.synonyms]
    for field in M2M_FIELDS:
        chosen = getattr(initiative, field).all() if terms is None else terms.get(field, ())
        for term in chosen:
            parts += [term.name, term.synonyms]
    return {
        "search_document": normalise(" ".join(part for part in parts if part)),
        "search_name": normalise(initiative.name)[:200],
    }


def initiative_index(*, initiative: Initiative) -> None:
    """Bring the search text up to date after a change."""
    fields = search_fields(initiative)
    Initiative.objects.filter(pk=initiative.pk).update(**fields)
    catalogue_changed()
    for key, value in fields.items():
        setattr(initiative, key, value)


def _record(
    initiative: Initiative,
    action: str,
    *,
    user=None,
    note: str = "",
    changes: dict | None = None,
) -> InitiativeChange:
    return InitiativeChange.objects.create(
        initiative=initiative,
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        note=note,
        changes=changes or {},
    )


def _email(kind: str, initiative: Initiative, to: str, note: str = "") -> None:
    if not to:
        return
    from .tasks import initiative_email_send

    pk = initiative.pk
    transaction.on_commit(lambda: initiative_email_send.enqueue(kind, pk, to, note))


def _display(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Model):
        return str(value)
    return str(value)


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


def user_label(user) -> str:
    if user is None or not user.is_authenticated:
        return ""
    return (user.get_full_name() or user.get_username())[:150]


@transaction.atomic
def bottleneck_report_create(
    *,
    initiative: Initiative,
    bottlenecks: Iterable[tuple[str, str, str]],
    needs: Iterable[str] = (),
    successes: Iterable[str] = (),
    source: str,
    user=None,
    reported_on=None,
):
    """Add a dated report of knelpunten (category, severity, description), needs and successes.

    Reports are never edited: a new one is added, so the change over time stays visible.
    """
    from .models import BottleneckReport, ReportItem

    if source not in BottleneckReport.Source.values:
        raise InitiativeError("unknown_source")
    items = []
    seen = set()
    for category, severity, description in bottlenecks:
        if category not in ReportItem.Category.values:
            raise InitiativeError("unknown_category")
        if severity not in ReportItem.Severity.values:
            raise InitiativeError("unknown_severity")
        if category in seen:
            raise InitiativeError("category_twice")
        seen.add(category)
        items.append(
            ReportItem(
                kind=ReportItem.Kind.BOTTLENECK,
                category=category,
                severity=severity,
                description=" ".join(description.split())[:300],
            )
        )
    for kind, texts in ((ReportItem.Kind.NEED, needs), (ReportItem.Kind.SUCCESS, successes)):
        for text in texts:
            text = " ".join(text.split())[:300]
            if text:
                items.append(ReportItem(kind=kind, description=text))
    if not items:
        raise InitiativeError("report_empty")
    report = BottleneckReport.objects.create(
        initiative=initiative,
        reported_on=reported_on or timezone.localdate(),
        source=source,
        user=user if user is not None and user.is_authenticated else None,
    )
    for item in items:
        item.report = report
    ReportItem.objects.bulk_create(items)
    return report


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
    from .spreadsheets import TERM_FIELDS, import_plan

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
