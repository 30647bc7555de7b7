"""Hostile spreadsheets are refused quickly, reading no more than an import needs.

The files are built here, streamed into a zip, so a bomb of millions of cells stays a few
lines of code. Timing and memory are measured by `bench/import_bombs.py`; these tests pin
what keeps them small: what is refused before openpyxl opens the file, and how many
cells are converted at most.
"""

import io
import random
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from initiatives import spreadsheets
from initiatives.models import Initiative

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPE}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
        '<sheet name="Initiatieven" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def text(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


HEADER = f'<row r="1">{text("naam")}{text("gemeente")}</row>'
GOOD_ROW = f"<row>{text('Buurthulp')}{text('GM0363')}</row>"


def xlsx(rows=(HEADER, GOOD_ROW), *, strings=(), dimension=None, extra=None) -> bytes:
    """A minimal workbook; `rows` and `strings` are iterables of XML, streamed in."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<worksheet xmlns="{MAIN}">'.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for row in rows:
                part.write(row.encode() if isinstance(row, str) else row)
            part.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            for string in strings:
                part.write(string)
            part.write(b"</sst>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def wide_row(cells: int, block: bytes = b"<c><v>1</v></c>" * 10_000):
    """The header row with `cells` more cells after it, in blocks of 10,000."""
    yield f'<row r="1">{text("naam")}{text("gemeente")}'.encode()
    for _ in range(cells // 10_000):
        yield block
    yield b"</row>"


@pytest.fixture
def spy(monkeypatch):
    """Counts what the importer opens and converts: workbooks (with openpyxl), and cells."""
    counts = {"workbooks": 0, "cells": 0}
    parse_cell = spreadsheets.xlsx.WorkSheetParser.parse_cell

    class CountedReader(spreadsheets.xlsx.ExcelReader):
        def __init__(self, *args, **kwargs):
            counts["workbooks"] += 1
            super().__init__(*args, **kwargs)

    def counted_cell(self, element):
        counts["cells"] += 1
        return parse_cell(self, element)

    monkeypatch.setattr(spreadsheets.xlsx, "ExcelReader", CountedReader)
    monkeypatch.setattr(spreadsheets.xlsx.WorkSheetParser, "parse_cell", counted_cell)
    return counts


def refused(content: bytes, code: str, name: str = "bom.xlsx") -> spreadsheets.SpreadsheetError:
    with pytest.raises(spreadsheets.SpreadsheetError) as error:
        spreadsheets.read_rows(SimpleUploadedFile(name, content))
    assert error.value.code == code
    return error.value


def assert_400(client, content: bytes, message: str, name: str = "bom.xlsx"):
    response = client.post("/initiatieven/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.text
    assert response.context["pending"] is None and not Initiative.objects.exists()


def ratio(content: bytes, name: str = "xl/worksheets/sheet1.xml") -> float:
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(name)
    return info.file_size / info.compress_size


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_wide_row_bomb_is_refused_before_openpyxl_opens_it(coordinator_client, spy):
    content = xlsx(wide_row(3_000_000))  # 45 MB of cells in a file of about 90 kB
    assert len(content) < 200_000
    error = refused(content, "too_big")
    assert spy == {"workbooks": 0, "cells": 0}
    assert_400(coordinator_client, content, error.message)


def test_wide_row_within_the_zip_limits_stops_at_the_cell_limit(coordinator_client, spy):
    rng = random.Random(1)
    cells = [b"<c><v>%d</v></c>" % rng.randrange(100) for _ in range(10_000)]
    content = xlsx(wide_row(400_000, b"".join(cells)))
    assert ratio(content) < spreadsheets.MAX_RATIO  # nothing to see from the outside
    error = refused(content, "too_many_cells")
    # Read to the cell limit, and only the header's first 100 columns converted.
    assert spy["workbooks"] == 1 and spy["cells"] <= spreadsheets.MAX_COLUMNS
    assert_400(coordinator_client, content, error.message)


def test_data_rows_are_read_as_wide_as_the_header(spy):
    extra = b"<c><v>1</v></c>" * 1_000
    rows = [HEADER] + [
        GOOD_ROW.replace("Buurthulp", f"Hulp {n}")[:-6] + extra.decode() + "</row>"
        for n in range(20)
    ]
    assert [
        row["naam"] for row in spreadsheets.read_rows(SimpleUploadedFile("x.xlsx", xlsx(rows)))
    ] == [f"Hulp {n}" for n in range(20)]
    assert spy["cells"] == 2 + 20 * 2


def test_header_wider_than_100_columns_is_refused(coordinator_client):
    header = f'<row r="1">{text("naam")}{text("gemeente")}<c r="DA1"><v>1</v></c></row>'
    content = xlsx([header, GOOD_ROW])
    error = refused(content, "columns")
    assert "100" in error.message
    assert_400(coordinator_client, content, error.message)
    # Styled empty cells right of the header are no columns.
    header = f'<row r="1">{text("naam")}{text("gemeente")}<c r="XFD1" s="1"/></row>'
    assert len(spreadsheets.read_rows(SimpleUploadedFile("x.xlsx", xlsx([header, GOOD_ROW])))) == 1


def test_oversized_dimension_allocates_nothing(coordinator_client, spy):
    rows = [HEADER, GOOD_ROW, '<row r="1048576"/>']
    content = xlsx(rows, dimension="A1:XFD1048576")
    table = list(spreadsheets._rows_from_xlsx(content, spreadsheets._Reading()))
    # The rows the sheet holds, as wide as their cells: not 1,048,576 rows of 16,384.
    assert table == [(["naam", "gemeente"], False), (["Buurthulp", "GM0363"], False), ([], False)]
    response = coordinator_client.post(
        "/initiatieven/import/", {"file": SimpleUploadedFile("x.xlsx", content)}
    )
    assert response.status_code == 200
    assert [row.action for row in response.context["plan"].rows] == ["create"]


def test_shared_strings_bomb_is_refused_before_openpyxl_opens_it(coordinator_client, spy):
    long_string = b"<si><t>" + b"A" * 1_000_000 + b"</t></si>"
    content = xlsx(strings=[long_string] * 45)  # 45 MB of strings in about 50 kB
    error = refused(content, "too_big")
    assert_400(coordinator_client, content, error.message)
    # Many short strings within the size limits: counted before openpyxl reads them all.
    strings = (b"<si><t>%d</t></si>" % n for n in range(spreadsheets.MAX_CELLS + 1))
    content = xlsx(strings=strings)
    assert ratio(content, "xl/sharedStrings.xml") < spreadsheets.MAX_RATIO
    error = refused(content, "too_many_cells")
    assert spy == {"workbooks": 0, "cells": 0}
    assert_400(coordinator_client, content, error.message)


def test_shared_strings_are_counted_across_chunks_and_prefixes():
    strings = [b"<x:si><x:t>%d</x:t></x:si>" % n for n in range(200_000)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("s.xml", b"<x:sst>" + b"".join(strings) + b"<si/></x:sst>")
    archive = zipfile.ZipFile(out)
    assert spreadsheets._count_shared_strings(archive, "s.xml") == 200_001


def test_tightly_packed_part_is_refused(coordinator_client, spy):
    spaces = (b" " * 1_000_000 for _ in range(20))  # whitespace between rows is valid XML
    content = xlsx([HEADER, *spaces, GOOD_ROW])
    assert ratio(content) > 500
    with translation.override("en"):
        assert "packed" in refused(content, "too_big").message
    error = refused(content, "too_big")
    assert spy["workbooks"] == 0
    assert_400(coordinator_client, content, error.message)


def test_oversized_other_part_is_refused(spy):
    styles = b"<styleSheet>" + b"<!-- -->" * 300_000 + b"</styleSheet>"  # 2.4 MB
    refused(xlsx(extra={"xl/styles.xml": styles}), "too_big")
    assert spy["workbooks"] == 0


def test_entity_bomb_is_refused(coordinator_client):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    content = xlsx(strings=[b"<si><t>&c;</t></si>"])
    # Put the declaration in front of the table: rebuild the part by hand.
    archive = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = laughs + data
            bomb.writestr(info.filename, data)
    error = refused(out.getvalue(), "bad_file")
    assert_400(coordinator_client, out.getvalue(), error.message)


def test_rows_after_the_limit_are_never_read(monkeypatch):
    monkeypatch.setattr(spreadsheets.reading, "MAX_ROWS", 3)
    # Reading the last row would fail on its shared string (there is none): it is never
    # read. (The sheet is parsed in chunks of 16 kB: it may be read that far past row 5.)
    bad_row = '<row><c t="s"><v>7</v></c></row>'
    rows = [HEADER, GOOD_ROW, GOOD_ROW, GOOD_ROW, GOOD_ROW, " " * 20_000, bad_row]
    refused(xlsx(rows), "too_many_rows")
    body = "naam,gemeente\n" + "Hulp,GM0363\n" * 4 + '"' + "x" * 100_000
    refused(body.encode(), "too_many_rows", name="x.csv")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("naam,gemeente\n" + "Hulp," + "x" * 70_000 + "\n", "row_too_long"),
        ("naam,gemeente\n" + ",a" * 40_000 + "\n", "row_too_long"),
        ("naam,gemeente\n" + "\n" * 300_000, "too_many_cells"),
        (
            "naam,gemeente\n" + ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n" * 6_000,
            "too_many_cells",
        ),
        ("naam,gemeente" + ",x" * 120 + "\nHulp,GM0363\n", "columns"),
    ],
)
def test_csv_is_bounded_while_it_is_read(coordinator_client, body, code):
    content = body.encode()
    assert len(content) <= spreadsheets.MAX_BYTES
    error = refused(content, code, name="x.csv")
    assert_400(coordinator_client, content, error.message, name="x.csv")
