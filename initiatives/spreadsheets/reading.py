"""An uploaded CSV or XLSX file as rows by column header."""

from django.utils.translation import gettext as _

from ..search import normalise
from .columns import EXPORT_ONLY, FIELD_OF, REQUIRED
from .csv_reading import _rows_from_csv
from .limits import MAX_COLUMNS, SpreadsheetError, _Reading
from .xlsx import _rows_from_xlsx

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


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
