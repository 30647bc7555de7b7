import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from events.models import Event
from initiatives import services
from initiatives.models import Initiative, InitiativeChange


def test_queue_shows_the_submission_beside_its_likely_duplicate(
    coordinator_client, submission, make_initiative
):
    make_initiative(
        "Zorgcoöperatie Hollandscheveld e.o.", type_slug="zorgcooperatie", municipality="GM0118"
    )
    assert (
        "Zorgcoöperatie Hollandscheveld" in coordinator_client.get("/initiatieven/moderatie/").text
    )
    html = coordinator_client.get(f"/initiatieven/moderatie/{submission.pk}/").text
    assert "Zorgcoöperatie Hollandscheveld e.o." in html


def test_accept_with_edits_publishes_records_and_emails(
    coordinator_client, coordinator, submission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            f"/initiatieven/moderatie/{submission.pk}/",
            {
                "action": "accept",
                "name": "Zorgcoöperatie Hollandscheveld",
                "initiative_type": submission.initiative_type_id,
                "summary": "Bijgewerkt.",
                "status": "actief",
                "municipality": submission.municipality_id,
            },
        )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.is_published and submission.summary == "Bijgewerkt."
    assert submission.last_verified_on is not None
    actions = list(submission.changes.order_by("pk").values_list("action", "user"))
    assert actions == [
        ("submitted", None),
        ("edited", coordinator.pk),
        ("accepted", coordinator.pk),
    ]
    assert (
        mail.outbox[-1].to == ["anna@example.org"]
        and submission.get_absolute_url() in mail.outbox[-1].body
    )


def test_reject_needs_a_reason_and_sends_it(
    coordinator_client, submission, django_capture_on_commit_callbacks
):
    response = coordinator_client.post(
        f"/initiatieven/moderatie/{submission.pk}/", {"action": "reject", "reason": ""}
    )
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            f"/initiatieven/moderatie/{submission.pk}/",
            {"action": "reject", "reason": "Dit is een commercieel bedrijf."},
        )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.publication == "rejected" and not submission.is_published
    assert submission.changes.filter(
        action="rejected", note="Dit is een commercieel bedrijf."
    ).exists()
    assert "Dit is een commercieel bedrijf." in mail.outbox[-1].body
    with pytest.raises(services.InitiativeError) as error:
        services.initiative_approve(initiative=submission, user=None)
    assert error.value.code == "not_pending"


def test_merge_fills_gaps_joins_events_and_archives_the_duplicate(
    coordinator_client, submission, make_initiative, make_event
):
    target = make_initiative(
        "Zorgcoöperatie Hollandscheveld",
        type_slug="zorgcooperatie",
        municipality="GM0118",
        summary="",
    )
    event = make_event()
    event.hosts.add(submission)
    response = coordinator_client.post(
        f"/initiatieven/moderatie/{submission.pk}/", {"action": "merge", "target": target.pk}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    target.refresh_from_db()
    assert submission.publication == "archived" and submission.merged_into == target
    assert (
        target.summary == "Zorg en hulp in het dorp." and target.contact_email == "info@example.org"
    )
    assert (
        list(Event.objects.get(pk=event.pk).hosts.all()) == [submission, target]
        or target in event.hosts.all()
    )
    assert target.changes.filter(action=InitiativeChange.Action.MERGED).exists()
    with pytest.raises(services.InitiativeError) as error:
        services.initiative_merge(source=target, target=target, user=None)
    assert error.value.code == "same_initiative"


def test_publication_and_is_published_cannot_disagree(make_initiative):
    from django.db import IntegrityError, transaction

    initiative = make_initiative()
    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(publication="pending")


def test_generate_initiatives_covers_provinces_types_and_spellings(db, settings):
    settings.DEBUG = True
    call_command("generate_initiatives", count=400, seed=3, verbosity=0)
    generated = Initiative.objects.filter(is_synthetic=True, is_published=True)
    assert generated.count() == 400
    assert generated.values("municipality__province").distinct().count() == 12
    assert generated.values("initiative_type").distinct().count() == 13
    assert generated.values("municipality").distinct().count() >= 342
    names = set(generated.values_list("name", flat=True))
    assert any("Noaberzorg" in n for n in names) and any("Naoberzorg" in n for n in names)
    assert any("ö" in n for n in names)
    from initiatives.selectors import CatalogueQuery, catalogue

    assert catalogue(CatalogueQuery(q="noaberzorg")).results.count() >= 2


def test_generate_initiatives_refuses_in_production_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("generate_initiatives", count=1, verbosity=0)
    assert not Initiative.objects.exists()
    call_command("generate_initiatives", count=1, force=True, verbosity=0)
    assert Initiative.objects.count() == 1


def test_yearly_check_emails_a_signed_link_once(
    make_initiative, django_capture_on_commit_callbacks
):
    due = make_initiative("Oud", contact_email="oud@example.org")
    make_initiative("Zonder email")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_initiative_checks", verbosity=0)
    assert [m.to for m in mail.outbox] == [["oud@example.org"]]
    assert "/initiatieven/bevestigen/" in mail.outbox[0].body
    due.refresh_from_db()
    assert due.verification_requested_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_initiative_checks", verbosity=0)
    assert len(mail.outbox) == 1
