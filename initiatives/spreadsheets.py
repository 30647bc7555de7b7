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
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml.ElementTree import DefusedXMLParser
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet._reader import CELL_TAG, DATA_TAG, ROW_TAG, WorkSheetParser

from zorgzaam.spreadsheets import formula_safe
from zorgzaam.validators import has_control_characters

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
# What reading a file may cost, whatever it claims to hold. A header row is read up to
# MAX_COLUMNS columns, the other rows only as wide as the header. MAX_CELLS counts every
# cell (and row) read, empty ones and those right of the header included: 5,000 full rows
# of the template are 115,000.
MAX_COLUMNS = 100
MAX_CELLS = 250_000
MAX_CSV_ROW = 64 * 1024  # characters in one CSV row; a full row of the template is ~6,000
# An xlsx is a zip. Before anything is unpacked: its parts together at most MAX_UNPACKED,
# each part other than the sheets and shared strings at most MAX_PART (styles, workbook,
# theme: kilobytes in real files, and openpyxl builds objects for all of them), no part
# larger than a megabyte packed more than MAX_RATIO times (real sheets: 5-30 times).
MAX_UNPACKED = 40 * 1024 * 1024
MAX_PART = 2 * 1024 * 1024
MAX_RATIO = 100
MAX_PARTS = 500
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
# Free text, checked for control characters; how long each may be comes from the model.
TEXT_FIELDS = {
    "name",
    "place",
    "neighbourhood",
    "summary",
    "description",
    "contact_name",
    "contact_phone",
}
# The description column has no limit of its own: the submission form's.
DESCRIPTION_MAX = 5000
YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
NO = {"nee", "n", "no", "0", "false", "onwaar", ""}


def max_length(field_name: str) -> int | None:
    """How many characters the catalogue stores for this field."""
    if field_name == "description":
        return DESCRIPTION_MAX
    return Initiative._meta.get_field(field_name).max_length


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


@dataclass
class _Reading:
    """How much of a file has been read, and how wide its rows are read."""

    width: int = MAX_COLUMNS  # the header's, once it is known
    cells: int = 0

    def count(self, cells: int = 1) -> None:
        self.cells += cells
        if self.cells > MAX_CELLS:
            raise _too_many_cells()


def _too_many_cells() -> SpreadsheetError:
    return SpreadsheetError(
        "too_many_cells",
        _("The file has more than %(max)d cells. Keep only the initiatives in it.")
        % {"max": MAX_CELLS},
    )


class _CsvLines:
    """The lines of a CSV text, refusing a row longer than MAX_CSV_ROW characters.

    The csv module builds a whole row before it returns it; this stops it first.
    `row_read()` starts the count again for the next row.
    """

    def __init__(self, text: str):
        self.lines = iter(io.StringIO(text, newline=""))
        self.length = 0
        self.rows = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.length += len(line)
        if self.length > MAX_CSV_ROW:
            raise SpreadsheetError(
                "row_too_long",
                _("Row %(row)d is longer than %(max)d characters.")
                % {"row": self.rows + 1, "max": MAX_CSV_ROW},
            )
        return line

    def row_read(self) -> None:
        self.length = 0
        self.rows += 1


def _rows_from_csv(content: bytes, reading: _Reading) -> Iterator[tuple[list[str], bool]]:
    """Each row cut to `reading.width`, and whether something was right of it."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise SpreadsheetError("bad_file", _("This file is not a CSV or XLSX spreadsheet."))
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = max(",;\t", key=first_line.count)
    lines = _CsvLines(text)
    try:
        for row in csv.reader(lines, delimiter=delimiter):
            lines.row_read()
            reading.count(max(1, len(row)))
            yield (
                [_cell(value) for value in row[: reading.width]],
                any(value.strip() for value in row[reading.width :]),
            )
    except csv.Error:
        raise SpreadsheetError("bad_file", _("This file cannot be read as CSV.")) from None


def _bad_xlsx() -> SpreadsheetError:
    return SpreadsheetError(
        "bad_file", _("This file cannot be read as an Excel (XLSX) spreadsheet.")
    )


def _is_sheet_data(name: str) -> bool:
    return name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"


def _count_shared_strings(archive: zipfile.ZipFile, name: str) -> int:
    """How many strings the table holds (at least), counted in the packed bytes.

    openpyxl reads the whole table into memory before the first cell, even read-only;
    an `<si` start tag (any namespace prefix) cannot hide in text, where `<` is escaped.
    """
    tag = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
    count, tail = 0, b""
    with archive.open(name) as part:
        while chunk := part.read(1024 * 1024):
            data = tail + chunk
            count += len(tag.findall(data))
            # A tag cut in two by the chunk boundary is counted in the next round.
            cut = data.rfind(b"<", max(0, len(data) - 64))
            tail = data[cut:] if cut >= 0 else b""
            if tail:
                count -= len(tag.findall(tail))
    return count


def _check_xlsx(content: bytes) -> None:
    """Refuse an xlsx that would unpack to more than an import can hold, before openpyxl."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _bad_xlsx() from None
    too_big = SpreadsheetError(
        "too_big",
        _("Unpacked, this Excel file is larger than %(max)d MB. Keep only the initiatives in it.")
        % {"max": MAX_UNPACKED // (1024 * 1024)},
    )
    if len(parts) > MAX_PARTS:
        raise _bad_xlsx()
    if sum(part.file_size for part in parts) > MAX_UNPACKED:
        raise too_big
    for part in parts:
        if part.file_size > MAX_PART and not _is_sheet_data(part.filename):
            raise too_big
        if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * part.compress_size:
            raise SpreadsheetError(
                "too_big",
                _(
                    "This Excel file is packed so tightly that it would unpack to far more "
                    "than a spreadsheet of initiatives holds. Save it again, or upload a CSV file."
                ),
            )
    try:
        strings = "xl/sharedStrings.xml"
        if strings in archive.namelist() and _count_shared_strings(archive, strings) > MAX_CELLS:
            raise _too_many_cells()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
        raise _bad_xlsx() from None


def _column(reference: str | None, previous: int) -> int:
    """The column number of a cell reference such as "AB12" (or the next one without it)."""
    if not reference:
        return previous + 1
    letters = reference.rstrip("0123456789")
    if not letters or len(letters) > 3:
        raise ValueError(reference)
    return column_index_from_string(letters.upper())


class _SheetCells:
    """A parser target that reads a worksheet's rows a cell at a time, keeping no tree.

    openpyxl's own reader builds each `<row>` element whole before it looks at one cell,
    and pads rows to the sheet's `<dimension>`: one row of millions of cells, or a
    dimension of the whole grid, took gigabytes. Here only a cell up to `reading.width`
    is built, as an element of its own for openpyxl's cell parser (so shared strings,
    numbers and dates read as before), and let go once read; everything else is passed
    over. Every cell and row counts towards MAX_CELLS, and every element towards a
    multiple of it.
    """

    def __init__(self, reader: ExcelReader, reading: _Reading):
        self.parser = WorkSheetParser(
            None,
            reader.shared_strings,
            data_only=True,
            epoch=reader.wb.epoch,
            date_formats=reader.wb._date_formats,
            timedelta_formats=reader.wb._timedelta_formats,
        )
        self.reading = reading
        self.rows = []  # (values, beyond) of the rows ended since they were last taken
        self.values, self.beyond = [], False
        self.depth = 0  # how deep inside a <c>
        self.column = 0
        self.cell = None  # the builder of the <c> being read, None for one passed over
        self.elements = 0
        self.header_seen = False
        self.done = False  # the end of <sheetData>: nothing after it is of use

    def start(self, tag, attrib):
        self.elements += 1
        if self.elements > 4 * MAX_CELLS:
            raise _too_many_cells()  # whatever else a sheet holds, it is not this much
        if self.depth:
            self.depth += 1
            if self.cell is not None:
                self.cell.start(tag, attrib)
            else:
                self.beyond = True  # a value (or formula) right of the columns read
        elif tag == CELL_TAG:
            self.reading.count()
            self.depth = 1
            self.column = _column(attrib.get("r"), self.column)
            if self.column <= self.reading.width:
                self.cell = TreeBuilder()
                self.cell.start(tag, attrib)
        elif tag == ROW_TAG:
            self.reading.count()
            number = attrib.get("r")
            self.parser.row_counter = int(number) if number else self.parser.row_counter + 1
            self.values, self.beyond, self.column = [], False, 0

    def data(self, text):
        if self.cell is not None:
            self.cell.data(text)

    def end(self, tag):
        if not self.depth:
            if tag == ROW_TAG:
                if not self.header_seen and any(self.values):
                    # The rest of this chunk is read before read_rows sees the header.
                    self.header_seen = True
                    self.reading.width = len(self.values)
                self.rows.append((self.values, self.beyond))
            elif tag == DATA_TAG:
                self.done = True
            return
        self.depth -= 1
        if self.cell is None:
            return
        self.cell.end(tag)
        if self.depth:
            return
        element, self.cell = self.cell.close(), None
        self.parser.col_counter = self.column - 1  # for a cell without a reference
        value = self.parser.parse_cell(element)["value"]
        if self.column > len(self.values):
            self.values.extend([""] * (self.column - len(self.values)))
        self.values[self.column - 1] = _cell(value)


def _sheet_rows(reader: ExcelReader, path: str, reading: _Reading):
    """The rows of a worksheet as they are parsed, `reading.width` cells wide at most."""
    cells = _SheetCells(reader, reading)
    parser = DefusedXMLParser(target=cells)
    with reader.archive.open(path) as source:
        while not cells.done and (chunk := source.read(16 * 1024)):
            parser.feed(chunk)
            rows, cells.rows = cells.rows, []
            yield from rows
    if not cells.done:
        parser.close()  # a sheet cut short is an error; after <sheetData> nothing matters


def _rows_from_xlsx(content: bytes, reading: _Reading) -> Iterator[tuple[list[str], bool]]:
    """Each row of the first worksheet cut to `reading.width`, and whether more was right.

    openpyxl reads the workbook's parts (read-only, data only), but not its worksheets:
    opening one read-only looks for its `<dimension>`, and in a sheet without one that
    parses every cell, each of them kept until its row ends.
    """
    _check_xlsx(content)
    reader = None
    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # which numbers are dates
        path = next(
            rel.target
            for _sheet, rel in reader.parser.find_sheets()
            if rel.Type.endswith("/worksheet") and rel.target in reader.valid_files
        )
        yield from _sheet_rows(reader, path, reading)
    except (
        StopIteration,  # no worksheet
        zipfile.BadZipFile,
        zlib.error,
        ParseError,
        KeyError,
        IndexError,
        ValueError,  # also what defusedxml raises for entities
        TypeError,
        AttributeError,
        OverflowError,
        EOFError,
        OSError,
    ):
        raise _bad_xlsx() from None
    finally:
        if reader is not None:
            reader.archive.close()


def read_rows(uploaded) -> list[dict[str, str]]:
    """The data rows of an uploaded CSV or XLSX file as dicts by column header.

    The file is read as far as it is needed and no further: the first row that is too
    many, too wide a header, or too many cells in all stops reading with an error.
    """
    if uploaded.size > MAX_BYTES:
        raise SpreadsheetError("too_big", _("The file is larger than 5 MB."))
    content = uploaded.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise SpreadsheetError("too_big", _("The file is larger than 5 MB."))
    name = (uploaded.name or "").lower()
    reading = _Reading()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        table = _rows_from_xlsx(content, reading)
    elif name.endswith((".csv", ".txt")):
        table = _rows_from_csv(content, reading)
    else:
        raise SpreadsheetError("bad_type", _("Upload a CSV or XLSX file."))
    header, rows = None, []
    for values, beyond in table:
        if not any(values):
            continue
        if header is None:
            if beyond:
                raise SpreadsheetError(
                    "columns",
                    _("The first row has more than %(max)d columns.") % {"max": MAX_COLUMNS},
                )
            header = _header(values)
            reading.width = len(header)
            continue
        if len(rows) == MAX_ROWS:
            raise SpreadsheetError(
                "too_many_rows", _("At most %(max)d rows per file.") % {"max": MAX_ROWS}
            )
        rows.append(
            {
                column: (values[index] if index < len(values) else "")
                for index, column in enumerate(header)
                if column in FIELD_OF
            }
        )
    if header is None:
        raise SpreadsheetError("empty", _("The file is empty."))
    return rows


def _header(values: list[str]) -> list[str]:
    """The column names of the first row, or the error for the columns that do not fit."""
    header = [normalise(value).replace(" ", "_") for value in values]
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
    return header


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


def export_csv(initiatives, *, site_url: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export_header())
    for initiative in initiatives:
        writer.writerow([formula_safe(value) for value in _export_row(initiative, site_url)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(initiatives, *, site_url: str, template: bool = False) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Initiatives"))
    sheet.append(export_header() if not template else [column for column, _f in COLUMNS])
    for initiative in initiatives:
        sheet.append([formula_safe(value) for value in _export_row(initiative, site_url)])
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
