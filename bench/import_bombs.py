"""Spreadsheet import against hostile files: time and extra memory of one worker.

    .venv/bin/python bench/import_bombs.py [--timeout 30] [--only wide_row_5m ...]

Builds the files of the outside probe in a temporary folder: two xlsx files with one
row of 5 and 10 million cells (0.15 and 0.30 MB), one with a row of 2 million cells
packed loosely enough to pass the zip checks, a shared-strings bomb (2.2 MB), a sheet
whose `<dimension>` claims the whole grid (A1:XFD1048576), a zip packed more than
1,000 times, and a valid 4.6 MB file of 5,000 initiatives. Each file is uploaded
in a fresh process (a copy of one migrated SQLite database, a logged-in coordinator,
Django's test client, so the whole view runs) and that process reports the time, the
answer, the extra peak memory (`ru_maxrss` after minus before) and the memory it still
holds afterwards. The valid file's preview is then confirmed the way a browser does it
(posting the confirm form's fields). A process still busy after --timeout seconds is
killed, like a gunicorn worker at its timeout. Exits non-zero unless every bomb is
answered within 5 s and 100 MB (refused with a 400; the false dimension may be read for
what the sheet really holds), and the valid file is imported.
"""

import argparse
import gc
import json
import os
import random
import re
import resource
import shutil
import string
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""  # noqa: E501
PACKAGE_RELS = f"""<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""  # noqa: E501
WORKBOOK = f"""<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets><sheet name="Initiatieven" sheetId="1" r:id="rId1"/></sheets></workbook>"""  # noqa: E501
WORKBOOK_RELS = f"""<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""  # noqa: E501
HEADER_CELLS = (
    '<c t="inlineStr"><is><t>naam</t></is></c><c t="inlineStr"><is><t>gemeente</t></is></c>'
)


def write_xlsx(path: Path, sheet_chunks, strings_chunks=(b"",)) -> None:
    """A minimal xlsx whose sheet and shared strings are streamed from generators."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for chunk in sheet_chunks:
                part.write(chunk)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            for chunk in strings_chunks:
                part.write(chunk)
            part.write(b"</sst>")


def sheet(rows_xml, dimension: str | None = None):
    yield f'<worksheet xmlns="{MAIN}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    yield from rows_xml
    yield b"</sheetData></worksheet>"


def wide_row(cells: int):
    yield f'<row r="1">{HEADER_CELLS}'.encode()
    block = b"<c><v>1</v></c>" * 10_000
    for _ in range(cells // 10_000):
        yield block
    yield b'</row><row r="2"><c t="inlineStr"><is><t>Hulp</t></is></c>'
    yield b'<c t="inlineStr"><is><t>GM0363</t></is></c></row>'


def build_wide_row(path: Path, cells: int) -> None:
    write_xlsx(path, sheet(wide_row(cells)))


def build_wide_row_loose(path: Path, cells: int = 2_000_000) -> None:
    """A wide row of random numbers: packed loosely enough to pass the zip checks."""
    rng = random.Random(1)
    block = b"".join(b"<c><v>%d</v></c>" % rng.randrange(100) for _ in range(10_000))

    def rows():
        yield f'<row r="1">{HEADER_CELLS}'.encode()
        for _ in range(cells // 10_000):
            yield block
        yield b"</row>"

    write_xlsx(path, sheet(rows()))


def build_shared_strings(path: Path, strings: int = 2_350, length: int = 1_000_000) -> None:
    """Few, very long shared strings: openpyxl keeps the whole table in memory."""
    text = b"A" * length

    def table():
        for _ in range(strings):
            yield b"<si><t>" + text + b"</t></si>"

    rows = [b'<row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>']
    write_xlsx(path, sheet(rows), table())


def build_dimension(path: Path) -> None:
    rows = [
        f'<row r="1">{HEADER_CELLS}</row>'.encode(),
        b'<row r="2"><c t="inlineStr"><is><t>Hulp</t></is></c>'
        b'<c t="inlineStr"><is><t>GM0363</t></is></c></row>',
        b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    ]
    write_xlsx(path, sheet(rows, dimension="A1:XFD1048576"))


def build_ratio(path: Path) -> None:
    """One part of 60 MB of spaces (allowed by XML between rows): packed ~1,000 times."""

    def rows():
        yield f'<row r="1">{HEADER_CELLS}</row>'.encode()
        block = b" " * 1_000_000
        for _ in range(60):
            yield block

    write_xlsx(path, sheet(rows()))


def build_valid(path: Path, rows: int = 5_000, description: int = 1_420) -> None:
    """5,000 real initiatives with descriptions of random letters (they barely compress)."""
    from openpyxl import Workbook

    rng = random.Random(1)
    codes = ["GM0363", "GM0118", "GM0599", "GM0518", "GM0344"]
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet("Initiatieven")
    worksheet.append(
        ["naam", "gemeente", "plaats", "samenvatting", "beschrijving", "website", "contact_email"]
    )
    for n in range(rows):
        words = []
        while sum(len(word) + 1 for word in words) < description:
            words.append("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10))))
        worksheet.append(
            [
                f"Buurthulp {n}",
                codes[n % len(codes)],
                "Ergens",
                f"Hulp in de buurt nummer {n}.",
                " ".join(words),
                f"buurthulp-{n}.example.org",
                f"info{n}@example.org",
            ]
        )
    workbook.save(path)


FILES = {
    "wide_row_5m": ("one row of 5 million cells", lambda p: build_wide_row(p, 5_000_000)),
    "wide_row_10m": ("one row of 10 million cells", lambda p: build_wide_row(p, 10_000_000)),
    "wide_row_loose": (
        "one row of 2 million cells, packed ~20×",
        build_wide_row_loose,
    ),
    "shared_strings": ("shared strings, 2,350 × 1 MB", build_shared_strings),
    "dimension": ("<dimension ref=A1:XFD1048576>, rows 1, 2 and 1048576", build_dimension),
    "ratio": ("60 MB of whitespace packed ~1,000×", build_ratio),
    "valid_5000": ("valid, 5,000 rows", build_valid),
}


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(path: str) -> dict:
    """Runs in the child: upload the file as a coordinator, and confirm a valid preview."""
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from initiatives.models import Initiative

    user = User.objects.create_user("bench", "bench@example.org", "x")
    user.groups.add(Group.objects.get(name="Coördinatoren"))
    client = Client()
    client.force_login(user)
    client.get("/initiatieven/import/")  # imports, templates, connection
    content = Path(path).read_bytes()
    gc.collect()
    result = {}

    def timed(label, request):
        gc.collect()
        base_peak, base_rss = peak_mb(), rss_mb()
        start = time.perf_counter()
        response = request()
        seconds = time.perf_counter() - start
        errors = []
        if response.context and response.context.get("form") is not None:
            errors = [str(e) for e in response.context["form"].errors.get("file", [])]
        result[label] = {
            "status": response.status_code,
            "seconds": round(seconds, 2),
            "peak_mb": round(peak_mb() - base_peak, 1),
            "message": errors[0] if errors else "",
        }
        body = response.content.decode()
        del response
        gc.collect()
        result[label]["held_mb"] = round(rss_mb() - base_rss, 1)
        return body

    upload = SimpleUploadedFile(Path(path).name, content)
    body = timed("preview", lambda: client.post("/initiatieven/import/", {"file": upload}))
    form = re.search(r'<form[^>]*action="/initiatieven/import/bevestigen/".*?</form>', body, re.S)
    if form:
        fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))
        timed("confirm", lambda: client.post("/initiatieven/import/bevestigen/", fields))
        result["confirm"]["created"] = Initiative.objects.count()
    return result


def run(name: str, path: Path, template: Path, timeout: float) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="zorgzaam-bench-bomb-"))
    shutil.copy(template, data_dir / "zorgzaam.sqlite3")
    env = {**child_env(), "ZORGZAAM_DATA_DIR": str(data_dir)}
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"preview": {"killed": round(time.perf_counter() - start, 1)}}
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if done.returncode:
        return {"preview": {"crashed": done.returncode, "stderr": done.stderr[-500:]}}
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_env() -> dict:
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL",)
    }  # a throwaway SQLite file: the import's memory is in Python, not the database
    return {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "SITE_URL": "http://testserver",
        "RATELIMIT_ENABLE": "0",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "zorgzaam.settings",
        "PYTHONPATH": str(ROOT),
    }


def describe(step: dict) -> str:
    if "killed" in step:
        return f"killed after {step['killed']} s (timeout)"
    if "crashed" in step:
        return f"crashed ({step['crashed']}): {step['stderr']}"
    text = (
        f"{step['status']} in {step['seconds']:.2f} s, peak +{step['peak_mb']:.0f} MB, "
        f"held +{step['held_mb']:.0f} MB"
    )
    if step.get("message"):
        text += f" — {step['message']}"
    if "created" in step:
        text += f" — {step['created']} initiatives"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--only", nargs="+", choices=list(FILES), default=list(FILES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return

    folder = Path(tempfile.mkdtemp(prefix="zorgzaam-bench-files-"))
    template_dir = folder / "database"
    template_dir.mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env={**child_env(), "ZORGZAAM_DATA_DIR": str(template_dir)},
        check=True,
    )
    ok = True
    try:
        for name in args.only:
            label, build = FILES[name]
            path = folder / f"{name}.xlsx"
            build(path)
            result = run(name, path, template_dir / "zorgzaam.sqlite3", args.timeout)
            size = path.stat().st_size / 2**20
            print(f"{name} ({label}, {size:.2f} MB): preview {describe(result['preview'])}")
            preview = result["preview"]
            if name == "valid_5000":
                confirm = result.get("confirm")
                print(f"    confirm: {describe(confirm) if confirm else 'no confirm form'}")
                ok = ok and bool(confirm) and confirm.get("created") == 5000
            else:
                # A false <dimension> is no error: the file is read for what it holds.
                allowed = (200, 400) if name == "dimension" else (400,)
                ok = ok and (
                    preview.get("status") in allowed
                    and preview["seconds"] <= 5
                    and preview["peak_mb"] <= 100
                )
            path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
