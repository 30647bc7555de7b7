import re

import pytest
from django.core import mail, signing
from django.utils import timezone

from events.models import Event
from initiatives.models import CorrectionReport, Initiative, InitiativeChange, Municipality
from initiatives.tasks import VERIFY_SALT, verification_token


def test_catalogue_filters_chips_and_shareable_url(client, make_initiative):
    make_initiative(
        "Zorgcoöperatie Hollandscheveld", type_slug="zorgcooperatie", municipality="GM0118"
    )
    make_initiative("Stadsdorp Zuid", type_slug="stadsdorp", municipality="GM0363")
    response = client.get("/initiatieven/?q=cooperatie&type=zorgcooperatie")
    html = response.text
    assert response.status_code == 200
    assert "Zorgcoöperatie Hollandscheveld" in html and "Stadsdorp Zuid" not in html
    assert 'name="type" value="zorgcooperatie" id="f-type-zorgcooperatie" checked' in html
    # The chip for the type removes only that filter.
    assert 'href="?q=cooperatie"' in html
    assert 'href="?type=zorgcooperatie"' in html


def test_catalogue_answers_htmx_with_the_partial(client, make_initiative):
    make_initiative("Stadsdorp Zuid", type_slug="stadsdorp")
    response = client.get("/initiatieven/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="catalogue"' in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "params",
    [
        "?page=abc",
        "?page=999999",
        "?sort=drop",
        "?type=bestaat-niet",
        "?q=" + "x" * 5000,
        '?q="*^',
    ],
)
def test_catalogue_bad_input_never_fails(client, make_initiative, params):
    make_initiative()
    assert client.get("/initiatieven/" + params).status_code == 200
    assert client.get("/initiatieven/kaart/" + params).status_code == 200


def test_null_character_is_a_clear_400(client, make_initiative):
    make_initiative()
    for path in ("/initiatieven/?q=%00", "/initiatieven/kaart/?type=%00"):
        response = client.get(path)
        assert response.status_code == 400
        assert "Er ging iets mis" in response.text
    api = client.get("/api/initiatieven/?q=%00")
    assert api.status_code == 400 and "NUL" in api.json()["error"]


def test_detail_hides_contact_details_without_consent(client, make_initiative):
    hidden = make_initiative(
        "Geheim",
        contact_name="Piet Geheim",
        contact_email="piet@example.org",
        contact_phone="0612345678",
        contact_consent=False,
        street_address="Dorpsstraat 1",
    )
    shown = make_initiative(
        "Open",
        contact_name="Els Open",
        contact_email="els@example.org",
        contact_consent=True,
        street_address="Kerkstraat 2",
        show_address=True,
    )
    html = client.get(hidden.get_absolute_url()).text
    for secret in ("Piet Geheim", "piet@example.org", "0612345678", "Dorpsstraat"):
        assert secret not in html
    html = client.get(shown.get_absolute_url()).text
    assert "Els Open" in html and "mailto:els@example.org" in html and "Kerkstraat 2" in html


def test_care_circle_shows_only_the_postcode_area(client, make_initiative):
    circle = make_initiative(
        "Voorzorgcirkel De Linde",
        type_slug="voorzorgcirkel",
        postcode_area="3512",
        street_address="Lindelaan 7",
        show_address=True,
        neighbourhood="Lindebuurt",
        latitude="52.091234",
        longitude="5.123456",
    )
    html = client.get(circle.get_absolute_url()).text
    assert "3512" in html and "Lindelaan" not in html and "Lindebuurt" not in html
    page = client.get("/initiatieven/kaart/").text
    assert "1 staat op de kaart." in page
    points_url = re.search(r'data-points-url="([^"]*)"', page).group(1)
    assert client.get(points_url).json() == {
        "fields": ["lat", "lng", "name", "url", "type", "place"],
        "points": [
            [
                52.09,
                5.12,
                "Voorzorgcirkel De Linde",
                circle.get_absolute_url(),
                "Voorzorgcirkel",
                "Amsterdam",
            ]
        ],
    }


def test_unpublished_initiatives_are_not_found(client, make_initiative):
    pending = make_initiative("In afwachting", publication="pending")
    assert client.get(pending.get_absolute_url()).status_code == 404
    assert "In afwachting" not in client.get("/initiatieven/").text
    assert "In afwachting" not in client.get("/initiatieven/kaart/").text


def test_detail_lists_upcoming_events_similar_initiatives_and_last_check(
    client, make_initiative, make_event
):
    host = make_initiative(
        "Zorgcoöperatie Hollandscheveld",
        type_slug="zorgcooperatie",
        municipality="GM0118",
        activities=["vervoer"],
        last_verified_on=timezone.localdate().replace(day=1),
    )
    make_initiative("Zorgcoöperatie Elders", type_slug="zorgcooperatie", municipality="GM0106")
    make_initiative("Totaal Anders", type_slug="stadsdorp", municipality="GM0599")
    event = make_event(title="Open dag zorgcoöperatie")
    event.hosts.add(host)
    make_event(title="Concept", status=Event.Status.DRAFT).hosts.add(host)
    html = client.get(host.get_absolute_url()).text
    assert "Open dag zorgcoöperatie" in html and "Concept" not in html
    assert "Zorgcoöperatie Elders" in html and "Totaal Anders" not in html
    assert host.last_verified_on.strftime("%Y") in html and 'class="last-checked"' in html


def test_correction_report_is_private_until_handled(client, make_initiative):
    initiative = make_initiative()
    response = client.post(
        f"{initiative.get_absolute_url()}wijziging/",
        {"message": "<script>alert(1)</script> verhuisd"},
    )
    assert response.status_code == 302
    report = CorrectionReport.objects.get()
    assert report.state == "open"
    assert "verhuisd" not in client.get(initiative.get_absolute_url()).text
    response = client.post(f"{initiative.get_absolute_url()}wijziging/", {"message": ""})
    assert response.status_code == 400 and "error-summary" in response.text


def test_submission_is_pending_and_the_submitter_gets_an_email(
    db, client, django_capture_on_commit_callbacks
):
    data = {
        "name": "<script>alert('x')</script> Buurthulp",
        "initiative_type": "1",
        "municipality": str(Municipality.objects.get(code="GM0106").pk),
        "submitter_name": "Anna",
        "submitter_email": "anna@example.org",
        "description": "<b>vet</b>",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/initiatieven/aanmelden/", data)
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.publication == "pending" and not initiative.is_published
    assert initiative.changes.get().action == InitiativeChange.Action.SUBMITTED
    assert mail.outbox[0].to == ["anna@example.org"]
    assert client.get(initiative.get_absolute_url()).status_code == 404
    assert "Buurthulp" not in client.get("/initiatieven/?q=buurthulp").text


def test_submitted_script_shows_as_text(coordinator_client, submission, client):
    from initiatives import services

    submission = services.initiative_update(
        initiative=submission,
        user=None,
        data={"name": "<script>alert(1)</script>", "description": "<img src=x onerror=alert(1)>"},
    )
    html = coordinator_client.get(f"/initiatieven/moderatie/{submission.pk}/").text
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )
    services.initiative_approve(initiative=submission, user=None)
    html = client.get(Initiative.objects.get(pk=submission.pk).get_absolute_url()).text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;" in client.get("/initiatieven/?q=script").text


def test_submission_warns_about_a_likely_duplicate(client, make_initiative):
    make_initiative(
        "Zorgcoöperatie Hollandscheveld", type_slug="zorgcooperatie", municipality="GM0118"
    )
    data = {
        "name": "zorgcooperatie hollandscheveld",
        "initiative_type": "1",
        "municipality": str(Municipality.objects.get(code="GM0118").pk),
        "submitter_name": "Anna",
        "submitter_email": "anna@example.org",
    }
    response = client.post("/initiatieven/aanmelden/", data)
    assert response.status_code == 200
    assert 'name="not_a_duplicate"' in response.text
    assert Initiative.objects.count() == 1
    response = client.post("/initiatieven/aanmelden/", {**data, "not_a_duplicate": "on"})
    assert response.status_code == 302 and Initiative.objects.count() == 2


def test_submission_with_bad_input_is_a_clear_400(db, client):
    response = client.post(
        "/initiatieven/aanmelden/",
        {"name": "", "municipality": "abc", "postcode_area": "12", "submitter_email": "nope"},
    )
    assert response.status_code == 400
    assert "error-summary" in response.text
    assert not Initiative.objects.exists()


def test_moderation_is_for_coordinators_only(client, django_user_model, submission):
    assert client.get("/initiatieven/moderatie/").status_code == 302
    user = django_user_model.objects.create_user("resident", password="pw-resident-1")
    client.force_login(user)
    assert client.get("/initiatieven/moderatie/").status_code == 403
    assert (
        client.post(
            f"/initiatieven/moderatie/{submission.pk}/", {"action": "reject", "reason": "x"}
        ).status_code
        == 403
    )


def test_yearly_check_link_confirms_and_expires(client, make_initiative, settings):
    initiative = make_initiative(contact_email="info@example.org")
    url = f"/initiatieven/bevestigen/{verification_token(initiative)}/"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    initiative.refresh_from_db()
    assert initiative.last_verified_on == timezone.localdate()
    assert client.get("/initiatieven/bevestigen/forged/").status_code == 404
    old = signing.TimestampSigner(salt=VERIFY_SALT)
    assert old  # tokens older than max_age are refused by signing.loads itself
