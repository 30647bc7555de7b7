"""Initiatives in and out of spreadsheets (CSV and XLSX).

Import runs in two steps: `import_plan` reads and checks every row and says what would
happen (create, update, unchanged or an error) without writing; services.initiatives_import
carries out a plan without errors in one transaction. An empty cell leaves the value in the
catalogue as it is, so importing the same file twice changes nothing the second time.
"""

from .columns import FIELD_OF, TERM_FIELDS, max_length
from .export import export_csv, export_header, export_xlsx, template_csv, template_xlsx
from .limits import MAX_CELLS, MAX_COLUMNS, MAX_RATIO, SpreadsheetError, _Reading
from .planning import ImportPlan, PlannedRow, import_plan
from .reading import MAX_BYTES, MAX_ROWS, read_rows
from .xlsx import _count_shared_strings, _rows_from_xlsx

__all__ = [
    "FIELD_OF",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_RATIO",
    "MAX_ROWS",
    "TERM_FIELDS",
    "ImportPlan",
    "PlannedRow",
    "SpreadsheetError",
    "_Reading",
    "_count_shared_strings",
    "_rows_from_xlsx",
    "export_csv",
    "export_header",
    "export_xlsx",
    "import_plan",
    "max_length",
    "read_rows",
    "template_csv",
    "template_xlsx",
]
