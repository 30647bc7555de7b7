import csv
import io
import json
import random
import string
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from initiatives import services, spreadsheets
from initiatives.models import Initiative, InitiativeChange, PendingImport
from zorgzaam.roles import COORDINATORS

HEADER = ["naam", "type", "gemeente", "plaats", "postcode", "contact_email", "activiteiten"]


def csv_file(rows, header=HEADER, name="initiatieven.csv", delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("initiatieven.xlsx", out.getvalue())


def good_rows(count):
    return [
        [
            f"Buurthulp {n}",
            "Burennetwerk",
            "GM0363",
            "Amsterdam",
            "1062",
            f"b{n}@example.org",
            "Vervoer; Maaltijden",
        ]
        for n in range(count)
    ]


def upload(client, file):
    return client.post("/initiatieven/import/", {"file": file})


def confirm(client, response):
    return client.post("/initiatieven/import/bevestigen/", {"key": response.context["pending"].key})


def test_one_bad_row_out_of_100_writes_nothing_and_is_reported(coordinator_client, coordinator):
    rows = good_rows(100)
    rows[57][2] = "Atlantis"  # unknown municipality, spreadsheet row 59
    response = upload(coordinator_client, csv_file(rows))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.has_errors and plan.summary == {
        "create": 99,
        "update": 0,
        "unchanged": 0,
        "error": 1,
    }
    bad = [row for row in plan.rows if row.errors]
    assert [row.number for row in bad] == [59]
    assert "Atlantis" in bad[0].errors[0]
    assert "Atlantis" in response.text
    assert response.context["pending"] is None and not PendingImport.objects.exists()
    # Even if these rows were waiting to be confirmed, the confirm writes nothing.
    pending = services.pending_import_create(
        rows=spreadsheets.read_rows(csv_file(rows)), user=coordinator
    )
    response = coordinator_client.post("/initiatieven/import/bevestigen/", {"key": pending.key})
    assert response.status_code == 400
    assert "Atlantis" in response.text
    assert not Initiative.objects.exists()
    with pytest.raises(services.ImportRejected):
        services.initiatives_import(rows=spreadsheets.read_rows(csv_file(rows)), user=None)
    assert not Initiative.objects.exists() and not InitiativeChange.objects.exists()


def test_errors_reported_per_row(coordinator_client, make_initiative):
    rows = [
        ["Goed", "Burennetwerk", "Amsterdam", "", "1062 AB", "ok@example.org", ""],
        ["Slechte mail", "", "GM0363", "", "", "geen-mail", ""],
        ["Goed", "Burennetwerk", "GM0363", "", "", "", ""],  # duplicate of row 2
        ["", "", "GM0363", "", "", "", ""],
        ["Vreemd", "Ruimteschip", "GM0363", "", "12", "", "Toveren"],
    ]
    response = upload(coordinator_client, csv_file(rows, delimiter=";"))
    plan = response.context["plan"]
    errors = {row.number: " ".join(row.errors) for row in plan.rows}
    assert errors[2] == ""
    assert "geen-mail" in errors[3]
    assert "2" in errors[4]  # duplicate of row 2
    assert errors[5]  # name missing
    assert "Ruimteschip" in errors[6] and "12" in errors[6] and "Toveren" in errors[6]
    assert not Initiative.objects.exists()


def test_good_file_creates_and_updates_as_previewed_and_twice_changes_nothing(
    coordinator_client, make_initiative, coordinator
):
    existing = make_initiative("Buurthulp 1", municipality="GM0363", place="Oud")
    rows = good_rows(3)
    response = upload(coordinator_client, xlsx_file(rows))
    plan = response.context["plan"]
    assert [(row.number, row.action) for row in plan.rows] == [
        (2, "create"),
        (3, "update"),
        (4, "create"),
    ]
    assert set(plan.rows[1].changes) == {
        "type",
        "plaats",
        "postcode",
        "contact_email",
        "activiteiten",
    }
    assert Initiative.objects.count() == 1  # nothing written by the preview
    response = confirm(coordinator_client, response)
    assert response.status_code == 302
    assert Initiative.objects.count() == 3
    existing.refresh_from_db()
    assert existing.place == "Amsterdam" and existing.postcode_area == "1062"
    assert sorted(t.slug for t in existing.activities.all()) == ["maaltijden", "vervoer"]
    created = Initiative.objects.get(name="Buurthulp 0")
    assert created.is_published and created.municipality.code == "GM0363"
    assert created.initiative_type.slug == "burennetwerk"
    assert created.search_document  # findable in the catalogue
    changes = InitiativeChange.objects.count()
    updated_at = {i.pk: i.updated_at for i in Initiative.objects.all()}

    # The same file again: every row unchanged, nothing written.
    response = upload(coordinator_client, xlsx_file(rows))
    assert [row.action for row in response.context["plan"].rows] == ["unchanged"] * 3
    assert confirm(coordinator_client, response).status_code == 302
    assert Initiative.objects.count() == 3 and InitiativeChange.objects.count() == changes
    assert {i.pk: i.updated_at for i in Initiative.objects.all()} == updated_at


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (SimpleUploadedFile("x.pdf", b"%PDF-1.4"), "bad_type"),
        (SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really a zip"), "bad_file"),
        (SimpleUploadedFile("x.csv", b""), "empty"),
        (SimpleUploadedFile("x.csv", b"name,city\nA,B\n"), "columns"),
        (SimpleUploadedFile("x.csv", b"naam,plaats\nA,B\n"), "columns"),
        (SimpleUploadedFile("x.csv", b"a" * (5 * 1024 * 1024 + 1)), "too_big"),
    ],
)
def test_bad_files_give_a_clear_400(coordinator_client, file, code):
    with pytest.raises(spreadsheets.SpreadsheetError) as error:
        spreadsheets.read_rows(file)
    assert error.value.code == code
    file.seek(0)
    response = upload(coordinator_client, file)
    assert response.status_code == 400
    if code != "empty":  # the form itself already refuses an empty upload
        assert error.value.message in response.text
    assert not Initiative.objects.exists()


def test_no_file_and_bad_key(coordinator_client):
    assert coordinator_client.post("/initiatieven/import/", {}).status_code == 400
    response = coordinator_client.post("/initiatieven/import/bevestigen/", {"key": "forged"})
    assert response.status_code == 302 and not Initiative.objects.exists()


def test_import_is_for_coordinators_only(client, django_user_model):
    for url in ("/initiatieven/import/", "/initiatieven/import/sjabloon.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("els", "els@example.org", "x"))
    assert client.get("/initiatieven/import/").status_code == 403
    assert client.post("/initiatieven/import/", {"file": csv_file(good_rows(1))}).status_code == 403
    assert client.post("/initiatieven/import/bevestigen/", {"key": "x"}).status_code == 403
    assert not Initiative.objects.exists()


def test_templates_download_and_import_cleanly(coordinator_client):
    response = coordinator_client.get("/initiatieven/import/sjabloon.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["naam", "slug", "type", "gemeente"]
    template = coordinator_client.get("/initiatieven/import/sjabloon.csv")
    plan = spreadsheets.import_plan(
        spreadsheets.read_rows(SimpleUploadedFile("t.csv", template.content))
    )
    assert [row.action for row in plan.rows] == ["create"]
    assert coordinator_client.get("/initiatieven/import/sjabloon.pdf").status_code == 404


@pytest.fixture
def exportable(make_initiative):
    make_initiative(
        "Open Hulp",
        municipality="GM0118",
        contact_name="Els Open",
        contact_email="els@example.org",
        contact_consent=True,
        activities=["vervoer"],
    )
    make_initiative(
        "Stille Hulp",
        municipality="GM0363",
        contact_name="Piet Geheim",
        contact_email="piet@example.org",
        contact_phone="0699999999",
        contact_consent=False,
    )
    make_initiative("Wachtende Hulp", publication=Initiative.Publication.PENDING)
    make_initiative("=cmd|' /C calc'!A0", municipality="GM0363")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_respects_filters_consent_and_publication(client, exportable, fmt):
    response = client.get(f"/initiatieven/export.{fmt}")
    assert response.status_code == 200
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        text = "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    else:
        text = response.content.decode("utf-8-sig")
    assert "Open Hulp" in text and "els@example.org" in text and "Stille Hulp" in text
    for secret in ("Piet Geheim", "piet@example.org", "0699999999", "Wachtende"):
        assert secret not in text
    if fmt != "json":
        assert "'=cmd" in text  # never a live formula
    filtered = client.get(f"/initiatieven/export.{fmt}?provincie=drenthe&q=hulp")
    if fmt == "json":
        names = [r["name"] for r in json.loads(filtered.content)["results"]]
        assert names == ["Open Hulp"]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(filtered.content.decode("utf-8-sig"))))
        assert [row[0] for row in rows[1:]] == ["Open Hulp"]


def test_export_round_trips_through_import(client, coordinator_client, exportable):
    exported = client.get("/initiatieven/export.csv?provincie=drenthe")
    response = upload(coordinator_client, SimpleUploadedFile("export.csv", exported.content))
    assert [row.action for row in response.context["plan"].rows] == ["unchanged"]


def test_unknown_export_format_is_404(client):
    assert client.get("/initiatieven/export.pdf").status_code == 404


# Values as long as their column --------------------------------------------------------

DOMAIN = ".".join(["a" * 60, "b" * 60, "c" * 60, "d" * 5]) + ".org"  # 192 characters
# (column, a value exactly as long as the catalogue stores it)
AT_THE_LIMIT = [
    ("naam", "N" * 200),
    ("plaats", "P" * 120),
    ("wijk", "W" * 120),
    ("samenvatting", "S" * 300),
    ("beschrijving", "B" * 5000),
    ("contactpersoon", "C" * 120),
    ("contact_telefoon", "0" * 30),
    ("contact_email", "ii@" + DOMAIN[:-4] + "." + "e" * 62),  # 254, a valid address
    ("website", DOMAIN),  # 200 once https:// is put in front
]


def test_limits_are_the_model_fields():
    for column, value in AT_THE_LIMIT:
        field_name = spreadsheets.FIELD_OF[column]
        stored = "https://" + value if column == "website" else value
        assert len(stored) == spreadsheets.max_length(field_name), column
        if column != "beschrijving":  # a TextField: the submission form's 5,000
            assert len(stored) == Initiative._meta.get_field(field_name).max_length


def _one_row(column, value):
    header = ["naam", "gemeente"] + ([column] if column != "naam" else [])
    row = [value if column == "naam" else "Buurthulp", "GM0363"] + (
        [value] if column != "naam" else []
    )
    return csv_file([row], header=header)


def _longer(column, value):
    return value[:2] + value[1] + value[2:] if column == "contact_email" else value + "d"


@pytest.mark.parametrize(("column", "value"), AT_THE_LIMIT, ids=[c for c, _v in AT_THE_LIMIT])
def test_value_longer_than_its_column_is_an_error_in_the_preview(
    coordinator_client, coordinator, column, value
):
    """On PostgreSQL a longer value used to pass the preview and fail the confirm with a 500."""
    too_long = _longer(column, value)
    response = upload(coordinator_client, _one_row(column, too_long))
    assert response.status_code == 200
    [row] = response.context["plan"].rows
    limit = spreadsheets.max_length(spreadsheets.FIELD_OF[column])
    assert row.action == "error"
    assert len(row.errors) == 1 and column in row.errors[0] and str(limit) in row.errors[0]
    assert response.context["pending"] is None
    # Rows that reach the confirm anyway are refused there, never a server error.
    pending = services.pending_import_create(
        rows=spreadsheets.read_rows(_one_row(column, too_long)), user=coordinator
    )
    response = coordinator_client.post("/initiatieven/import/bevestigen/", {"key": pending.key})
    assert response.status_code == 400 and not Initiative.objects.exists()


@pytest.mark.parametrize(("column", "value"), AT_THE_LIMIT, ids=[c for c, _v in AT_THE_LIMIT])
def test_value_as_long_as_its_column_is_imported(coordinator_client, column, value):
    response = upload(coordinator_client, _one_row(column, value))
    assert [row.action for row in response.context["plan"].rows] == ["create"]
    assert confirm(coordinator_client, response).status_code == 302
    stored = getattr(Initiative.objects.get(), spreadsheets.FIELD_OF[column])
    assert stored == ("https://" + value if column == "website" else value)


# Confirming a preview ----------------------------------------------------------------------


def big_csv(count: int) -> SimpleUploadedFile:
    """`count` rows with descriptions of random letters, which barely compress."""
    rng = random.Random(5)
    letters = string.ascii_lowercase + " " * 5
    rows = [
        [f"Buurthulp {n}", "GM0363", "".join(rng.choices(letters, k=760))] for n in range(count)
    ]
    return csv_file(rows, header=["naam", "gemeente", "beschrijving"])


def test_5000_rows_preview_and_confirm(coordinator_client, settings):
    file = big_csv(5000)
    assert 3.5e6 < file.size <= spreadsheets.MAX_BYTES  # posted back, it used to be refused
    response = upload(coordinator_client, file)
    assert response.status_code == 200
    assert response.context["plan"].summary["create"] == 5000
    pending = response.context["pending"]
    assert f'name="key" value="{pending.key}"' in response.text
    assert len(response.content) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # no rows in the page
    response = confirm(coordinator_client, response)
    assert response.status_code == 302
    assert Initiative.objects.count() == 5000
    assert not PendingImport.objects.exists()


@pytest.fixture
def previewed(coordinator_client):
    response = upload(coordinator_client, csv_file(good_rows(2)))
    assert response.status_code == 200
    return response.context["pending"]


def post_key(client, key) -> str:
    """The confirm's answer, as the level of the message it shows: success or error."""
    response = client.post("/initiatieven/import/bevestigen/", {"key": key}, follow=True)
    [message] = response.context["messages"]
    return message.level_tag


def test_confirm_is_used_once(coordinator_client, previewed):
    assert post_key(coordinator_client, previewed.key) == "success"
    assert Initiative.objects.count() == 2 and not PendingImport.objects.exists()
    assert post_key(coordinator_client, previewed.key) == "error"
    assert Initiative.objects.count() == 2


def test_confirm_by_another_coordinator_is_refused(client, coordinator_client, previewed):
    other = User.objects.create_user("coord2", "coord2@example.org", "pw-coordinator-2")
    other.groups.add(Group.objects.get(name=COORDINATORS))
    client.force_login(other)
    assert post_key(client, previewed.key) == "error"
    assert not Initiative.objects.exists()
    # It is still there for the coordinator who uploaded the file.
    client.force_login(previewed.user)
    assert post_key(client, previewed.key) == "success"


def test_expired_preview_is_refused(coordinator_client, previewed):
    PendingImport.objects.update(
        created_at=timezone.now() - PendingImport.LIFETIME - timedelta(seconds=1)
    )
    assert post_key(coordinator_client, previewed.key) == "error"
    assert not Initiative.objects.exists()


def test_new_preview_replaces_the_last_and_expired_ones_are_purged(coordinator_client, previewed):
    other = User.objects.create_user("coord2", "coord2@example.org", "x")
    old = services.pending_import_create(rows=[], user=other)
    kept = services.pending_import_create(rows=[], user=other)
    PendingImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - PendingImport.LIFETIME - timedelta(seconds=1)
    )
    # (Creating `kept` already removed `old`, the same user's earlier preview.)
    assert not PendingImport.objects.filter(pk=old.pk).exists()
    PendingImport.objects.filter(pk=kept.pk).update(
        created_at=timezone.now() - PendingImport.LIFETIME - timedelta(seconds=1)
    )
    latest = upload(coordinator_client, csv_file(good_rows(3))).context["pending"]
    assert list(PendingImport.objects.values_list("key", flat=True)) == [latest.key]
    assert post_key(coordinator_client, previewed.key) == "error"
    assert post_key(coordinator_client, latest.key) == "success"
    assert Initiative.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_once_import_once(coordinator):
    """A double click, or two tabs: one confirm imports, the other finds nothing to confirm."""
    pending = services.pending_import_create(
        rows=spreadsheets.read_rows(csv_file(good_rows(20))), user=coordinator
    )
    barrier = threading.Barrier(2)

    def confirm_now():
        barrier.wait(timeout=30)
        try:
            return services.pending_import_confirm(key=pending.key, user=coordinator).summary
        except services.ImportExpired as expired:
            return expired.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _n: confirm_now(), range(2)))
    assert sorted(map(str, results)) == sorted(
        ["import_expired", str({"create": 20, "update": 0, "unchanged": 0, "error": 0})]
    )
    assert Initiative.objects.count() == 20 and not PendingImport.objects.exists()
