"""Rows of a CSV file, read a row at a time within the limits."""

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .limits import MAX_CSV_ROW, SpreadsheetError, _cell, _Reading


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
