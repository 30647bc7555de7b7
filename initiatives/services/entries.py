"""What every write to an entry shares: the domain error, slugs, search text, history, email."""

from django.db import transaction
from django.db.models import Model
from django.utils.text import slugify

from ..models import Initiative, InitiativeChange
from ..search import normalise
from ..selectors import catalogue_changed

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
    from ..tasks import initiative_email_send

    pk = initiative.pk
    transaction.on_commit(lambda: initiative_email_send.enqueue(kind, pk, to, note))


def _display(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Model):
        return str(value)
    return str(value)


def user_label(user) -> str:
    if user is None or not user.is_authenticated:
        return ""
    return (user.get_full_name() or user.get_username())[:150]
