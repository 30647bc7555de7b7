"""The personal-data registry (zorgzaam/personal_data.py) and the libraries' tables.

The whole-database scans here hold the promise the registry exists for: after an erase,
or after the retention purge, no table still holds the person's data.
"""

import ast
import json
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events import services
from events.models import Registration
from zorgzaam import personal_data

ROOT = Path(__file__).resolve().parent.parent


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


def test_erase_reaches_the_moderation_log_pending_imports_login_records_and_teams(
    event, django_user_model, capsys, make_member
):
    from initiatives.models import Initiative, InitiativeChange, InitiativeType, PendingImport
    from organisations import services as team_services

    services.registration_create(event=event, name="Ans", email="ans@example.org")
    # Ans was invited to one team, joined another, and asked to start a third.
    team_services.invitation_create(
        organisation=event.organisation, email="ans@example.org", role="door", invited_by=None
    )
    ans = django_user_model.objects.create_user("ans", "ans@example.org", "pw-2-x")
    other = event.organisation.__class__.objects.create(name="Ander team", slug="ander-team")
    make_member(ans, other, "organiser")
    team_services.request_submit(
        organisation_name="Buurt Oost",
        name="Ans",
        email="ans@example.org",
        purpose="Koffieochtenden",
        language="nl",
    )
    initiative = Initiative.objects.create(
        name="Buurtkracht Oost",
        slug="buurtkracht-oost",
        initiative_type=InitiativeType.objects.first(),
    )
    InitiativeChange.objects.create(
        initiative=initiative,
        action=InitiativeChange.Action.EDITED,
        changes={"contact_email": ["", "ans@example.org"]},
    )
    coordinator = django_user_model.objects.create_user("coord", "coord@example.org", "pw-1-x")
    PendingImport.objects.create(user=coordinator, rows=[{"contact_email": "ans@example.org"}])
    _login_records("ans@example.org", post_data="username=ans@example.org")
    assert len(_text_columns_containing("ans@example.org")) > 5

    call_command("erase_personal_data", "ans@example.org")
    assert _text_columns_containing("ans@example.org") == []
    assert not other.memberships.exists()
    ans.refresh_from_db()
    assert not ans.is_active and not ans.has_usable_password() and ans.email == ""
    assert capsys.readouterr().out.splitlines() == [
        "accounts: 1",
        "memberships: 1",
        "invitations: 1",
        "requests_to_start: 1",
        "team_log_mentions: 1",
        "registrations: 1",
        "followers: 0",
        "initiative_contacts: 0",
        "initiative_submitters: 0",
        "correction_reports: 0",
        "moderation_log_entries: 1",
        "pending_imports: 1",
        "login_records: 3",
        "task_results: 0",
    ]


def test_erase_leaves_no_follower_behind(organisation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        follower = services.follow_request(organisation=organisation, email="ans@example.org")
    services.follow_confirm(token=follower.token)
    assert _text_columns_containing("ans@example.org")

    call_command("erase_personal_data", "ans@example.org", verbosity=0)
    assert _text_columns_containing("ans@example.org") == []
    assert _text_columns_containing(follower.token) == []


def test_purge_leaves_no_personal_data_of_old_meetings(make_ended_event):
    old = make_ended_event(days=40)
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


# The registry


class RecordingProvider:
    """A provider that remembers how it was called."""

    label = "recording"

    def __init__(self):
        self.calls = []

    def export(self, *, email):
        self.calls.append(("export", email))
        return {"recorded": [email]}

    def erase(self, *, email):
        self.calls.append(("erase", email))
        return {"recorded": 1}

    def purge(self, *, now, cutoff):
        self.calls.append(("purge", now, cutoff))
        return {"recorded": 2}


@pytest.fixture
def registry(monkeypatch):
    """The registry's providers, restored after the test."""
    monkeypatch.setattr(personal_data, "_providers", dict(personal_data._providers))
    return personal_data


def test_every_app_registers_its_provider_and_the_libraries_come_last():
    assert [p.label for p in personal_data.providers()] == [
        "organisations",
        "events",
        "initiatives",
        "third_party",
    ]


def test_the_apps_register_their_providers_in_ready(registry):
    registry._providers.clear()
    assert [p.label for p in registry.providers()] == ["third_party"]
    for label in ("organisations", "events", "initiatives"):
        apps.get_app_config(label).ready()
    assert [p.label for p in registry.providers()] == [
        "organisations",
        "events",
        "initiatives",
        "third_party",
    ]
    apps.get_app_config("events").ready()  # a second ready() registers nothing twice
    assert len(registry.providers()) == 4


def test_each_verb_runs_a_registered_provider(registry, db):
    provider = RecordingProvider()
    registry.register(provider)

    exported = registry.personal_data_export(email="  ans@example.org ")
    assert exported["email"] == "ans@example.org"
    assert exported["recorded"] == ["ans@example.org"]
    assert exported["registrations"] == [] and exported["initiatives"] == []

    erased = registry.personal_data_erase(email="ans@example.org ")
    assert erased["recorded"] == 1 and erased["registrations"] == 0

    now = timezone.now()
    purged = registry.personal_data_purge(days=30, now=now)
    assert purged["recorded"] == 2 and purged["registrations"] == 0
    assert provider.calls == [
        ("export", "ans@example.org"),
        ("erase", "ans@example.org"),
        ("purge", now, now - timedelta(days=30)),
    ]


def test_two_providers_may_not_report_the_same_kind(registry, db):
    class Clash(RecordingProvider):
        label = "clash"

        def erase(self, *, email):
            return {"registrations": 0}

    registry.register(Clash())
    with pytest.raises(ImproperlyConfigured, match="registrations"):
        registry.personal_data_erase(email="ans@example.org")


def test_purge_runs_every_provider_in_one_transaction(registry, make_ended_event):
    old = make_ended_event(days=40)
    services.registration_create(event=old, name="Ans", email="ans@example.org")

    class Failing(RecordingProvider):
        label = "failing"

        def purge(self, *, now, cutoff):
            raise RuntimeError("disk full")

    registry.register(Failing())
    with pytest.raises(RuntimeError):
        registry.personal_data_purge(days=30)
    # The events provider ran first, and its anonymising was rolled back with the rest.
    assert Registration.objects.get().name == "Ans"


def _imports_of(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def _imports_events(path: Path) -> bool:
    return any(m == "events" or m.startswith("events.") for m in _imports_of(path))


def test_the_catalogue_brings_its_personal_data_without_knowing_the_meetings():
    for name in ("personal_data.py", "apps.py", "models.py"):
        assert not _imports_events(ROOT / "initiatives" / name), name
    assert not _imports_events(ROOT / "zorgzaam" / "personal_data.py")
    assert not _imports_events(ROOT / "zorgzaam" / "third_party_data.py")


def test_nothing_in_the_catalogue_imports_the_meetings():
    """The catalogue stands on its own: meetings register with it, never the reverse."""
    importing = sorted(
        str(path.relative_to(ROOT / "initiatives"))
        for path in (ROOT / "initiatives").rglob("*.py")
        if _imports_events(path)
    )
    assert importing == []


# The libraries' tables


def _login_records(username: str, *, post_data: str = "") -> None:
    AccessAttempt.objects.create(
        username=username,
        ip_address="192.0.2.7",
        user_agent="Telefoon",
        get_data="",
        post_data=post_data,
        failures_since_start=1,
    )
    AccessLog.objects.create(username=username, ip_address="192.0.2.7", user_agent="Telefoon")
    AccessFailureLog.objects.create(
        username=username, ip_address="192.0.2.7", user_agent="Telefoon"
    )


def _task_result(*args, finished: bool = True) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status="SUCCESSFUL" if finished else "READY",
        args_kwargs={"args": list(args), "kwargs": {}},
        task_path="initiatives.tasks.initiative_email_send",
        backend_name="default",
        run_after=now,
        finished_at=now if finished else None,
    )


def test_purge_deletes_old_task_and_login_records_and_keeps_recent_ones(db, capsys):
    old = timezone.now() - timedelta(days=31)
    _login_records("oud@example.org")
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.update(attempt_time=old)
    _task_result("oud@example.org")
    DBTaskResult.objects.update(finished_at=old)
    _login_records("nieuw@example.org")
    recent_task = _task_result("nieuw@example.org")
    waiting_task = _task_result("wacht@example.org", finished=False)

    call_command("purge_personal_data")
    assert capsys.readouterr().out == (
        "Personal data erased from 0 registration(s); 1 task record(s), 3 login "
        "record(s) and 0 pending import(s) deleted.\n"
    )
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert list(model.objects.values_list("username", flat=True)) == ["nieuw@example.org"]
    assert set(DBTaskResult.objects.all()) == {recent_task, waiting_task}


def test_erase_deletes_login_and_finished_task_records_mentioning_the_address(db):
    _login_records("Ans@Example.org", post_data="username=Ans@Example.org\npassword=****")
    _login_records("bert@example.org")
    _task_result("submitted", 7, "ans@example.org", "")
    waiting = _task_result("submitted", 8, "ans@example.org", "", finished=False)
    other = _task_result("submitted", 9, "bert@example.org", "")

    exported = personal_data.personal_data_export(email="ans@example.org")
    assert exported["login_records"] == 3 and exported["task_results"] == 2

    erased = personal_data.personal_data_erase(email="ans@example.org")
    assert erased["login_records"] == 3 and erased["task_results"] == 1
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert list(model.objects.values_list("username", flat=True)) == ["bert@example.org"]
    # A task still waiting for the worker is its to finish; the purge takes it later.
    assert set(DBTaskResult.objects.all()) == {waiting, other}
    waiting.delete()
    assert _text_columns_containing("ans@example.org") == []
