"""What reading a spreadsheet may cost, and the error for a file that cannot be read."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

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


class SpreadsheetError(Exception):
    """The file cannot be read as an initiatives spreadsheet; `code` is machine-readable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


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
