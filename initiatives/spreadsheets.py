"""Initiatives in and out of spreadsheets (CSV and XLSX).

Import runs in two steps: `import_plan` reads and checks every row and says what would
happen (create, update, unchanged or an error) without writing; services.initiatives_import
carries out a plan without errors in one transaction. An empty cell leaves the value in the
catalogue as it is, so importing the same file twice changes nothing the second time.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from .forms import WEB_ADDRESS
from .models import (
    Activity,
    Approach,
    Initiative,
    InitiativeType,
    Municipality,
    TargetGroup,
)
from .search import normalise

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# (column header, Initiative field). "naam" and "gemeente" are required.
COLUMNS = [
    ("naam", "name"),
    ("slug", "slug"),
    ("type", "initiative_type"),
    ("gemeente", "municipality"),
    ("plaats", "place"),
    ("wijk", "neighbourhood"),
    ("postcode", "postcode_area"),
    ("samenvatting", "summary"),
    ("beschrijving", "description"),
    ("rechtsvorm", "legal_form"),
    ("status", "status"),
    ("opgericht", "founded_year"),
    ("vrijwilligers", "volunteers_count"),
    ("website", "website"),
    ("contactpersoon", "contact_name"),
    ("contact_email", "contact_email"),
    ("contact_telefoon", "contact_phone"),
    ("contact_openbaar", "contact_consent"),
    ("activiteiten", "activities"),
    ("doelgroepen", "target_groups"),
    ("aanpak", "approaches"),
]
REQUIRED = {"naam", "gemeente"}
# Columns an export adds for people; an import ignores them.
EXPORT_ONLY = ["provincie", "url"]
FIELD_OF = dict(COLUMNS)
TERM_FIELDS = {"activities": Activity, "target_groups": TargetGroup, "approaches": Approach}
TEXT_LIMITS = {
    "name": 200,
    "place": 120,
    "neighbourhood": 120,
    "summary": 300,
    "description": 5000,
    "contact_name": 120,
    "contact_phone": 30,
}
YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
NO = {"nee", "n", "no", "0", "false", "onwaar", ""}


class SpreadsheetError(Exception):
    """The file cannot be read as an initiatives spreadsheet; `code` is machine-readable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# Reading ---------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _rows_from_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise SpreadsheetError("bad_file", _("This file is not a CSV or XLSX spreadsheet."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    return [
        [_cell(value) for value in row]
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def _rows_from_xlsx(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise SpreadsheetError(
            "bad_file", _("This file cannot be read as an Excel (XLSX) spreadsheet.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(value) for value in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_rows(uploaded) -> list[dict[str, str]]:
    """The data rows of an uploaded CSV or XLSX file as dicts by column header."""
    if uploaded.size > MAX_BYTES:
        raise SpreadsheetError("too_big", _("The file is larger than 5 MB."))
    content = uploaded.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise SpreadsheetError("too_big", _("The file is larger than 5 MB."))
    name = (uploaded.name or "").lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        table = _rows_from_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        table = _rows_from_csv(content)
    else:
        raise SpreadsheetError("bad_type", _("Upload a CSV or XLSX file."))
    table = [row for row in table if any(row)]
    if not table:
        raise SpreadsheetError("empty", _("The file is empty."))
    header = [normalise(value).replace(" ", "_") for value in table[0]]
    while header and not header[-1]:
        header.pop()
    unknown = [value for value in header if value not in FIELD_OF and value not in EXPORT_ONLY]
    missing = sorted(REQUIRED - set(header))
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("missing: %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown: %(columns)s") % {"columns": ", ".join(unknown)})
        raise SpreadsheetError(
            "columns",
            _("The columns do not match the template (%(details)s).")
            % {"details": "; ".join(parts)},
        )
    if len(header) != len(set(header)):
        raise SpreadsheetError("columns", _("A column appears twice."))
    if len(table) - 1 > MAX_ROWS:
        raise SpreadsheetError(
            "too_many_rows", _("At most %(max)d rows per file.") % {"max": MAX_ROWS}
        )
    rows = []
    for values in table[1:]:
        rows.append(
            {
                column: (values[index] if index < len(values) else "")
                for index, column in enumerate(header)
                if column in FIELD_OF
            }
        )
    return rows


# Planning --------------------------------------------------------------------------------


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
        for municipality in Municipality.objects.all():
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
        if field_name in TEXT_LIMITS:
            if any(ord(char) < 32 and char not in "\t\n\r" for char in raw):
                errors.append(_("%(column)s: remove the special characters.") % {"column": column})
            elif len(raw) > TEXT_LIMITS[field_name]:
                errors.append(
                    _("%(column)s: at most %(max)d characters.")
                    % {"column": column, "max": TEXT_LIMITS[field_name]}
                )
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


def _export_row(initiative: Initiative, site_url: str) -> list:
    consent = initiative.contact_consent
    municipality = initiative.municipality

    def names(field_name):
        return "; ".join(term.name for term in getattr(initiative, field_name).all())

    values = {
        "name": initiative.name,
        "slug": initiative.slug,
        "initiative_type": initiative.initiative_type.name if initiative.initiative_type_id else "",
        "municipality": municipality.code if municipality else "",
        "place": initiative.place,
        "neighbourhood": "" if initiative.is_care_circle else initiative.neighbourhood,
        "postcode_area": initiative.postcode_area,
        "summary": initiative.summary,
        "description": initiative.description,
        "legal_form": initiative.legal_form,
        "status": initiative.status,
        "founded_year": initiative.founded_year or "",
        "volunteers_count": initiative.volunteers_count
        if initiative.volunteers_count is not None
        else "",
        "website": initiative.website,
        "contact_name": initiative.contact_name if consent else "",
        "contact_email": initiative.contact_email if consent else "",
        "contact_phone": initiative.contact_phone if consent else "",
        "contact_consent": "ja" if consent else "nee",
        "activities": names("activities"),
        "target_groups": names("target_groups"),
        "approaches": names("approaches"),
    }
    row = [values[field_name] for _column, field_name in COLUMNS]
    row += [
        municipality.province.name if municipality else "",
        site_url + initiative.get_absolute_url(),
    ]
    return row


def export_header() -> list[str]:
    return [column for column, _field in COLUMNS] + EXPORT_ONLY


def _safe(value):
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(initiatives, *, site_url: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export_header())
    for initiative in initiatives:
        writer.writerow([_safe(value) for value in _export_row(initiative, site_url)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(initiatives, *, site_url: str, template: bool = False) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Initiatives"))
    sheet.append(export_header() if not template else [column for column, _f in COLUMNS])
    for initiative in initiatives:
        sheet.append([_safe(value) for value in _export_row(initiative, site_url)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


TEMPLATE_EXAMPLE = {
    "naam": "Zorgcoöperatie Voorbeelddorp",
    "type": "Zorgcoöperatie",
    "gemeente": "GM0118",
    "plaats": "Hollandscheveld",
    "postcode": "7913",
    "samenvatting": "Zorg en hulp in het dorp.",
    "rechtsvorm": "cooperatie",
    "status": "actief",
    "opgericht": "2012",
    "website": "https://example.org",
    "contact_email": "info@example.org",
    "contact_openbaar": "nee",
    "activiteiten": "Maaltijden; Vervoer",
    "doelgroepen": "Ouderen",
    "aanpak": "Omzien naar elkaar",
}


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column for column, _field in COLUMNS])
    writer.writerow([TEMPLATE_EXAMPLE.get(column, "") for column, _field in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Initiatives"))
    sheet.append([column for column, _field in COLUMNS])
    sheet.append([TEMPLATE_EXAMPLE.get(column, "") for column, _field in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
