import json

from django.core.management import call_command
from django.db import connection

from events import services
from events.models import Registration


def test_attendee_downloads_own_data_as_json(client, event):
    response = client.post(
        event.get_absolute_url(),
        {"name": "Ans de Vries", "email": "ans@example.org", "needs": "rolstoel"},
    )
    token = Registration.objects.get().management_token
    download = client.get(f"/aanmelding/{token}/gegevens.json")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    data = download.json()["registrations"][0]
    assert data["name"] == "Ans de Vries" and data["email"] == "ans@example.org"
    assert data["accessibility_or_dietary_needs"] == "rolstoel"
    assert token not in download.text  # the secret itself is not part of "your data"
    assert f"/aanmelding/{token}/gegevens.json" in client.get(response["Location"]).text


def _text_columns_containing(needle: str) -> list[str]:
    """Search every text column of every table for a value (the retention promise)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            description = connection.introspection.get_table_description(cursor, table)
            for column in description:
                # Names come from the database's own catalogue, not from input.
                sql = f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column.name}" AS TEXT) LIKE %s'
                cursor.execute(sql, [f"%{needle}%"])
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def test_erase_personal_data_command_leaves_the_address_nowhere(event, make_event, capsys):
    from initiatives.models import CorrectionReport, Initiative, InitiativeType, Municipality

    services.registration_create(
        event=event, name="Ans", email="ans@example.org", phone="0612", needs="dieet"
    )
    other = make_event(capacity=5)
    services.registration_create(event=other, name="Ans", email="ANS@example.org")
    initiative = Initiative.objects.create(
        name="Buurtkracht Oost",
        slug="buurtkracht-oost",
        initiative_type=InitiativeType.objects.first(),
        municipality=Municipality.objects.get(code="GM0363"),
        contact_name="Ans",
        contact_email="ans@example.org",
        submitter_email="ans@example.org",
    )
    CorrectionReport.objects.create(
        initiative=initiative, message="Adres klopt niet", reporter_email="ans@example.org"
    )
    assert _text_columns_containing("ans@example.org")

    call_command("export_personal_data", "ans@example.org")
    exported = json.loads(capsys.readouterr().out)
    assert len(exported["registrations"]) == 2

    call_command("erase_personal_data", "ans@example.org")
    assert _text_columns_containing("ans@example.org") == []
    assert Registration.objects.filter(status="cancelled").count() == 2


def test_purge_leaves_no_personal_data_of_old_meetings(make_event):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    old = make_event(
        capacity=10,
        starts_at=now - timedelta(days=40, hours=3),
        ends_at=now - timedelta(days=40),
        registration_closes_at=now + timedelta(days=1),
    )
    services.registration_create(
        event=old,
        name="Zeldzame Naam",
        email="zeldzaam@example.org",
        phone="0699887766",
        needs="glutenvrij-dieet",
        topic="vervoer naar de markt",
    )
    call_command("purge_personal_data", verbosity=0)
    for needle in ("Zeldzame Naam", "zeldzaam@example.org", "0699887766", "glutenvrij", "markt"):
        assert _text_columns_containing(needle) == [], needle
