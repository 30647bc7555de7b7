"""Rows of an XLSX file: the zip checked before it is opened, the sheet read a cell at a time."""

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet._reader import CELL_TAG, DATA_TAG, ROW_TAG, WorkSheetParser

from .limits import (
    MAX_CELLS,
    MAX_PART,
    MAX_PARTS,
    MAX_RATIO,
    MAX_UNPACKED,
    SpreadsheetError,
    _cell,
    _Reading,
    _too_many_cells,
)


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
