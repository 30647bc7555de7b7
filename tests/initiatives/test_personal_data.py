from datetime import timedelta

import pytest
from django.utils import timezone

from initiatives.models import CorrectionReport, InitiativeChange, PendingImport
from initiatives.personal_data import InitiativesPersonalData


@pytest.fixture
def held(make_initiative, coordinator):
    """The catalogue's places for an address: contact, submitter, report, log, import."""
    as_contact = make_initiative(
        "Buurtkracht Oost",
        contact_name="Ans",
        contact_email="ans@example.org",
        contact_phone="0612",
        contact_consent=True,
    )
    as_submitter = make_initiative(
        "Voorzorgcirkel West", submitter_name="Ans", submitter_email="ANS@example.org"
    )
    other = make_initiative("Naoberzorg", contact_email="bert@example.org")
    CorrectionReport.objects.create(
        initiative=other, message="Adres klopt niet", reporter_email="ans@example.org"
    )
    change = InitiativeChange.objects.create(
        initiative=as_contact,
        action=InitiativeChange.Action.EDITED,
        note="Mail van ans@example.org",
        changes={"contact_email": ["", "ans@example.org"], "name": ["Oost", "Buurtkracht Oost"]},
    )
    PendingImport.objects.create(
        user=coordinator,
        rows=[
            {"name": "Buurtkracht Oost", "contact_email": "ans@example.org"},
            {"name": "Naoberzorg", "contact_email": "bert@example.org"},
        ],
    )
    return {
        "as_contact": as_contact,
        "as_submitter": as_submitter,
        "other": other,
        "change": change,
    }


def test_export_lists_what_the_catalogue_holds_about_the_address(held):
    exported = InitiativesPersonalData().export(email="ans@example.org")
    assert sorted(
        (i["initiative"], i["as_contact"], i["as_submitter"]) for i in exported["initiatives"]
    ) == [("Buurtkracht Oost", True, False), ("Voorzorgcirkel West", False, True)]
    assert [r["message"] for r in exported["correction_reports"]] == ["Adres klopt niet"]
    assert exported["moderation_log_entries"] == 1
    assert [p["rows"] for p in exported["pending_imports"]] == [
        [{"name": "Buurtkracht Oost", "contact_email": "ans@example.org"}]
    ]


def test_erase_clears_the_address_and_deletes_pending_imports_mentioning_it(held, coordinator):
    kept = PendingImport.objects.create(
        user=coordinator, rows=[{"name": "Naoberzorg", "contact_email": "bert@example.org"}]
    )
    counts = InitiativesPersonalData().erase(email="ans@example.org")
    assert counts == {
        "initiative_contacts": 1,
        "initiative_submitters": 1,
        "correction_reports": 1,
        "moderation_log_entries": 1,
        "pending_imports": 1,
    }
    held["as_contact"].refresh_from_db()
    assert held["as_contact"].contact_email == held["as_contact"].contact_phone == ""
    assert not held["as_contact"].contact_consent
    held["as_submitter"].refresh_from_db()
    assert held["as_submitter"].submitter_email == held["as_submitter"].submitter_name == ""
    held["change"].refresh_from_db()
    assert held["change"].note == "[gewist]"
    assert held["change"].changes == {
        "contact_email": ["", "[gewist]"],
        "name": ["Oost", "Buurtkracht Oost"],
    }
    assert list(PendingImport.objects.all()) == [kept]
    held["other"].refresh_from_db()
    assert held["other"].contact_email == "bert@example.org"


def test_purge_deletes_pending_imports_past_their_lifetime(coordinator):
    now = timezone.now()
    expired = PendingImport.objects.create(user=coordinator, rows=[{"name": "Oud"}])
    PendingImport.objects.filter(pk=expired.pk).update(
        created_at=now - PendingImport.LIFETIME - timedelta(seconds=1)
    )
    fresh = PendingImport.objects.create(user=coordinator, rows=[{"name": "Nieuw"}])

    assert InitiativesPersonalData().purge(now=now, cutoff=now - timedelta(days=30)) == {
        "pending_imports": 1
    }
    assert list(PendingImport.objects.all()) == [fresh]
