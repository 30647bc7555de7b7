"""What an import would do, row by row, without writing anything."""

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from zorgzaam.validators import has_control_characters

from ..forms import WEB_ADDRESS
from ..models import Initiative, InitiativeType, Municipality
from ..search import normalise
from .columns import COLUMNS, FIELD_OF, NO, TERM_FIELDS, TEXT_FIELDS, YES, max_length


@dataclass
class PlannedRow:
    number: int  # the row number in the spreadsheet (the header is row 1)
    name: str
    action: str = "create"  # create · update · unchanged · error
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # the columns that change
    values: dict = field(default_factory=dict)  # Initiative field → new value
    initiative: Initiative | None = None


@dataclass
class ImportPlan:
    rows: list[PlannedRow]

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged", "error")}


class _Lookups:
    """Everything a plan looks up, read once for the whole file."""

    def __init__(self):
        self.municipalities = {}
        for municipality in Municipality.objects.select_related("province"):
            self.municipalities[municipality.code.lower()] = municipality
            self.municipalities[municipality.code[2:]] = municipality
            self.municipalities[str(int(municipality.code[2:]))] = municipality
            self.municipalities[normalise(municipality.name)] = municipality
            self.municipalities[municipality.slug] = municipality
        self.types = self._terms(InitiativeType)
        self.terms = {name: self._terms(model) for name, model in TERM_FIELDS.items()}

    @staticmethod
    def _terms(model) -> dict:
        found = {}
        for term in model.objects.all():
            found[term.slug] = term
            found[normalise(term.name)] = term
        return found


def _choice(value: str, choices) -> str | None:
    wanted = normalise(value)
    for key, label in choices:
        if wanted in (normalise(key), normalise(str(label))):
            return key
        # "stichting" also matches "foundation (stichting)".
        if f"({wanted})" in normalise(str(label)):
            return key
    return None


def _int(value: str, low: int, high: int) -> int | None:
    if not re.fullmatch(r"\d{1,7}", value):
        return None
    number = int(value)
    return number if low <= number <= high else None


_URL = forms.URLField(assume_scheme="https", validators=[WEB_ADDRESS])


def _parse(row: dict[str, str], lookups: _Lookups) -> tuple[dict, list[str]]:
    """Typed values for the non-empty cells of one row, and the errors."""
    values, errors = {}, []
    for column, raw in row.items():
        field_name = FIELD_OF[column]
        raw = raw.strip()
        if not raw or field_name == "slug":
            continue
        if field_name in TEXT_FIELDS:
            if has_control_characters(raw):
                errors.append(_("%(column)s: remove the special characters.") % {"column": column})
            else:
                values[field_name] = raw if field_name == "description" else " ".join(raw.split())
        elif field_name == "municipality":
            municipality = lookups.municipalities.get(normalise(raw))
            if municipality is None:
                errors.append(_("Unknown municipality “%(value)s”.") % {"value": raw})
            else:
                values[field_name] = municipality
        elif field_name == "initiative_type":
            term = lookups.types.get(normalise(raw))
            if term is None:
                errors.append(_("Unknown type “%(value)s”.") % {"value": raw})
            else:
                values[field_name] = term
        elif field_name in TERM_FIELDS:
            terms = []
            for part in re.split(r"[;,|]", raw):
                if not part.strip():
                    continue
                term = lookups.terms[field_name].get(normalise(part))
                if term is None:
                    errors.append(
                        _("%(column)s: unknown value “%(value)s”.")
                        % {"column": column, "value": part.strip()}
                    )
                elif term not in terms:
                    terms.append(term)
            values[field_name] = terms
        elif field_name == "contact_email":
            try:
                validate_email(raw)
            except ValidationError:
                errors.append(_("Invalid email address “%(value)s”.") % {"value": raw})
            else:
                values[field_name] = raw
        elif field_name == "website":
            try:
                values[field_name] = _URL.clean(raw)
            except ValidationError:
                errors.append(_("Invalid website “%(value)s”.") % {"value": raw})
        elif field_name == "postcode_area":
            match = re.fullmatch(r"([1-9][0-9]{3})(\s?[A-Za-z]{2})?", raw)
            if match is None:
                errors.append(_("Invalid postcode “%(value)s”.") % {"value": raw})
            else:
                values[field_name] = match.group(1)
        elif field_name == "legal_form":
            choice = _choice(raw, Initiative.LegalForm.choices)
            if choice is None:
                errors.append(_("Unknown legal form “%(value)s”.") % {"value": raw})
            else:
                values[field_name] = choice
        elif field_name == "status":
            choice = _choice(raw, Initiative.Status.choices)
            if choice is None:
                errors.append(_("Unknown status “%(value)s”.") % {"value": raw})
            else:
                values[field_name] = choice
        elif field_name == "founded_year":
            number = _int(raw, 1800, 2100)
            if number is None:
                errors.append(_("opgericht: a year between 1800 and 2100."))
            else:
                values[field_name] = number
        elif field_name == "volunteers_count":
            number = _int(raw, 0, 10**6)
            if number is None:
                errors.append(_("vrijwilligers: a whole number."))
            else:
                values[field_name] = number
        elif field_name == "contact_consent":
            answer = normalise(raw)
            if answer in YES:
                values[field_name] = True
            elif answer in NO:
                values[field_name] = False
            else:
                errors.append(_("contact_openbaar: answer ja or nee."))
        # Every value as it would be stored (a website with its https://) must fit its
        # column: PostgreSQL refuses a longer one at the confirm, after the preview said yes.
        value = values.get(field_name)
        limit = max_length(field_name) if isinstance(value, str) else None
        if limit and len(value) > limit:
            del values[field_name]
            errors.append(
                _("%(column)s: at most %(max)d characters.") % {"column": column, "max": limit}
            )
    return values, errors


def _changes(initiative: Initiative, values: dict) -> list[str]:
    column_of = {field_name: column for column, field_name in COLUMNS}
    changed = []
    for field_name, new in values.items():
        if field_name in TERM_FIELDS:
            old = {term.pk for term in getattr(initiative, field_name).all()}
            if old != {term.pk for term in new}:
                changed.append(column_of[field_name])
        elif getattr(initiative, field_name) != new:
            changed.append(column_of[field_name])
    return changed


def import_plan(rows: list[dict[str, str]]) -> ImportPlan:
    """What importing these rows would do, row by row; writes nothing."""
    lookups = _Lookups()
    planned, seen = [], {}
    slugs = [row.get("slug", "").strip() for row in rows if row.get("slug", "").strip()]
    by_slug = {
        initiative.slug: initiative
        for initiative in Initiative.objects.filter(slug__in=slugs).prefetch_related(*TERM_FIELDS)
    }
    existing = {}
    names = {normalise(row.get("naam", "")) for row in rows}
    for initiative in Initiative.objects.filter(
        search_name__in=names,
        publication__in=[Initiative.Publication.PUBLISHED, Initiative.Publication.PENDING],
    ).prefetch_related(*TERM_FIELDS):
        existing.setdefault((initiative.search_name, initiative.municipality_id), []).append(
            initiative
        )
    for index, row in enumerate(rows):
        values, errors = _parse(row, lookups)
        line = PlannedRow(number=index + 2, name=row.get("naam", "").strip(), values=values)
        if not line.name:
            errors.insert(0, _("The name is missing."))
        if not row.get("gemeente", "").strip():
            errors.insert(0, _("The municipality is missing."))
        municipality = values.get("municipality")
        key = (normalise(line.name), municipality.pk if municipality else None)
        slug = row.get("slug", "").strip()
        if line.name and municipality:
            if key in seen:
                errors.append(_("Duplicate of row %(row)d.") % {"row": seen[key]})
            else:
                seen[key] = line.number
        if slug:
            line.initiative = by_slug.get(slug)
            if line.initiative is None:
                errors.append(_("No initiative with slug “%(value)s”.") % {"value": slug})
        elif line.name and municipality:
            matches = existing.get((normalise(line.name)[:200], municipality.pk), [])
            if len(matches) > 1:
                errors.append(_("Several initiatives have this name here; add the slug."))
            elif matches:
                line.initiative = matches[0]
        line.errors = errors
        if errors:
            line.action = "error"
        elif line.initiative is not None:
            line.changes = _changes(line.initiative, values)
            line.action = "update" if line.changes else "unchanged"
        planned.append(line)
    return ImportPlan(rows=planned)


# Writing files ---------------------------------------------------------------------------
