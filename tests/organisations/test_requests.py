"""Asking to start with Zorgzaam, and the coordinators' queue that answers."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from organisations.models import Invitation, Organisation, OrganisationRequest, Role

FORM = "/organisaties/starten/"
QUEUE = "/organisatie/aanvragen/"
VALID = {
    "organisation_name": "Buurtzorg Hollandscheveld",
    "name": "Ans de Vries",
    "email": "ans@example.org",
    "purpose": "Bijeenkomsten voor de bewoners van ons dorp.",
    "homepage": "",
}


@pytest.fixture
def client(client):
    """English, the language the tests' expected texts are written in."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def make_request(**fields) -> OrganisationRequest:
    values = {name: value for name, value in VALID.items() if name != "homepage"}
    return OrganisationRequest.objects.create(**{**values, **fields})


def action(start_request, name: str) -> str:
    return f"{QUEUE}{start_request.pk}/{name}/"


# The public form ----------------------------------------------------------------------


def test_the_form_asks_four_questions(client, db):
    response = client.get(FORM)
    html = response.text
    assert response.status_code == 200
    for name in ("organisation_name", "name", "email", "purpose"):
        assert f'name="{name}"' in html
        assert f'for="id_{name}"' in html
    assert 'name="homepage"' in html  # the honeypot
    assert 'maxlength="200"' in html and 'maxlength="2000"' in html


def test_a_request_is_stored_in_the_current_language_and_thanked(client, db):
    response = client.post(FORM, VALID)

    assert response.status_code == 200
    assert "A coordinator reads it and answers you by email" in response.text
    start_request = OrganisationRequest.objects.get()
    assert start_request.organisation_name == "Buurtzorg Hollandscheveld"
    assert start_request.email == "ans@example.org"
    assert start_request.language == "en"
    assert start_request.status == OrganisationRequest.Status.PENDING


def test_a_request_in_dutch_remembers_dutch(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.post(FORM, VALID)
    assert OrganisationRequest.objects.get().language == "nl"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organisation_name", ""),
        ("organisation_name", "x" * 201),
        ("name", "Ans\x07"),
        ("email", "geen-adres"),
        ("purpose", ""),
        ("purpose", "x" * 2001),
        ("purpose", "Bel\x1bme"),
    ],
)
def test_invalid_requests_are_refused_with_400(client, db, field, value):
    response = client.post(FORM, {**VALID, field: value})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.text
    assert not OrganisationRequest.objects.exists()


def test_the_honeypot_catches_bots(client, db):
    response = client.post(FORM, {**VALID, "homepage": "https://spam.example"})
    assert response.status_code == 400
    assert not OrganisationRequest.objects.exists()


def test_the_form_is_rate_limited(client, db, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_FORM_PER_IP = "2/m"
    statuses = [
        client.post(FORM, {**VALID, "email": f"p{n}@example.org"}).status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert OrganisationRequest.objects.count() == 2


# The queue ----------------------------------------------------------------------------


def test_the_queue_is_for_coordinators_only(client, make_user, db):
    assert client.get(QUEUE).status_code == 302  # log in first
    client.force_login(make_user("gewoon"))
    assert client.get(QUEUE).status_code == 403
    start_request = make_request()
    assert client.post(action(start_request, "approve")).status_code == 403
    assert OrganisationRequest.objects.get().status == OrganisationRequest.Status.PENDING


def test_the_queue_lists_pending_requests_oldest_first_with_everything_asked(
    coordinator_client,
):
    newer = make_request(organisation_name="Tweede Kring", email="b@example.org")
    older = make_request(organisation_name="Eerste Kring", purpose="Regel één\nRegel twee")
    OrganisationRequest.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )

    response = coordinator_client.get(QUEUE)

    html = response.text
    assert response.status_code == 200
    assert html.index("Eerste Kring") < html.index("Tweede Kring")
    assert "Ans de Vries" in html and 'href="mailto:b@example.org"' in html
    assert "Regel één<br>Regel twee" in html
    # Each request has its own forms, with ids that do not repeat and a suggested address.
    assert f'action="{action(older, "approve")}"' in html
    assert f'action="{action(newer, "decline")}"' in html
    assert f'id="id_approve_{older.pk}_slug"' in html and f'id="id_approve_{newer.pk}_slug"' in html
    assert 'value="eerste-kring"' in html
    ids = [chunk.split('"')[0] for chunk in html.split(' id="')[1:]]
    assert len(ids) == len(set(ids))


def test_approving_makes_the_organisation_and_invites_the_asker_as_owner(
    coordinator_client, coordinator, django_capture_on_commit_callbacks
):
    start_request = make_request()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            action(start_request, "approve"), {"slug": ""}, follow=True
        )

    assert response.redirect_chain == [(QUEUE, 302)]
    organisation = Organisation.objects.get()
    assert organisation.name == "Buurtzorg Hollandscheveld"
    assert organisation.slug == "buurtzorg-hollandscheveld"
    invitation = Invitation.objects.get()
    assert invitation.organisation == organisation
    assert invitation.email == "ans@example.org" and invitation.role == Role.OWNER
    assert invitation.absolute_url in response.text  # the coordinator can pass the link on
    start_request.refresh_from_db()
    assert start_request.status == OrganisationRequest.Status.APPROVED
    assert start_request.decided_by == coordinator
    assert start_request.organisation == organisation
    assert mail.outbox[-1].to == ["ans@example.org"]
    assert invitation.absolute_url in mail.outbox[-1].body
    # Below, among the decided ones, with a link to the new organisation's page.
    assert f'href="{organisation.get_absolute_url()}"' in coordinator_client.get(QUEUE).text


def test_approving_with_a_chosen_web_address(coordinator_client):
    start_request = make_request()
    coordinator_client.post(action(start_request, "approve"), {"slug": "Buurtzorg-HV"})
    assert Organisation.objects.get().slug == "buurtzorg-hv"


@pytest.mark.parametrize("slug", ["bestaat-al", "starten", "met spatie", "x" * 101])
def test_a_web_address_that_cannot_be_used_is_a_form_error(
    coordinator_client, make_organisation, slug
):
    make_organisation("Bestaat al", slug="bestaat-al")
    start_request = make_request()

    response = coordinator_client.post(action(start_request, "approve"), {"slug": slug})

    assert response.status_code == 400
    assert 'id="error-summary"' in response.text
    assert f'href="#id_approve_{start_request.pk}_slug"' in response.text
    assert Organisation.objects.count() == 1
    assert OrganisationRequest.objects.get().status == OrganisationRequest.Status.PENDING


def test_declining_emails_the_reason(
    coordinator_client, coordinator, django_capture_on_commit_callbacks
):
    start_request = make_request()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            action(start_request, "decline"),
            {"reason": "Zorgzaam is alleen voor zorgzame gemeenschappen."},
            follow=True,
        )

    assert response.redirect_chain == [(QUEUE, 302)]
    assert "is declined" in response.text
    start_request.refresh_from_db()
    assert start_request.status == OrganisationRequest.Status.DECLINED
    assert start_request.decided_by == coordinator
    assert start_request.decline_reason == "Zorgzaam is alleen voor zorgzame gemeenschappen."
    assert not Organisation.objects.exists()
    message = mail.outbox[-1]
    assert message.to == ["ans@example.org"]
    assert "Zorgzaam is alleen voor zorgzame gemeenschappen." in message.body
    decided = coordinator_client.get(QUEUE).text.partition('id="decided-title"')[2]
    assert "Buurtzorg Hollandscheveld" in decided


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Kind regards,"), ("nl", "Met vriendelijke groet,")],
)
def test_the_decline_email_is_in_the_language_of_the_request(
    coordinator_client, django_capture_on_commit_callbacks, language, expected
):
    start_request = make_request(language=language)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(action(start_request, "decline"), {"reason": ""})
    assert expected in mail.outbox[-1].body


def test_an_over_long_reason_is_a_form_error(coordinator_client):
    start_request = make_request()
    response = coordinator_client.post(action(start_request, "decline"), {"reason": "x" * 1001})
    assert response.status_code == 400
    assert OrganisationRequest.objects.get().status == OrganisationRequest.Status.PENDING
    assert not mail.outbox


@pytest.mark.parametrize("first", ["approve", "decline"])
@pytest.mark.parametrize("second", ["approve", "decline"])
def test_deciding_twice_says_so_and_changes_nothing(
    coordinator_client, django_capture_on_commit_callbacks, first, second
):
    start_request = make_request()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(action(start_request, first), {"slug": "", "reason": ""})
    emails = len(mail.outbox)
    assert emails == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            action(start_request, second), {"slug": "", "reason": ""}, follow=True
        )

    assert response.redirect_chain == [(QUEUE, 302)]
    assert "was already decided" in response.text
    assert Organisation.objects.count() == (1 if first == "approve" else 0)
    assert len(mail.outbox) == emails
    assert OrganisationRequest.objects.get().status == (
        OrganisationRequest.Status.APPROVED if first == "approve" else "declined"
    )


def test_unknown_actions_and_requests_are_404(coordinator_client):
    start_request = make_request()
    assert coordinator_client.post(action(start_request, "delete")).status_code == 404
    assert coordinator_client.post(f"{QUEUE}999999/approve/").status_code == 404


def test_get_on_an_action_is_405(coordinator_client):
    start_request = make_request()
    assert coordinator_client.get(action(start_request, "approve")).status_code == 405
    assert OrganisationRequest.objects.get().status == OrganisationRequest.Status.PENDING


def test_the_queue_shows_the_last_20_decided(coordinator_client, coordinator):
    for n in range(25):
        make_request(
            organisation_name=f"Kring {n:02d}",
            status=OrganisationRequest.Status.DECLINED,
            decided_at=timezone.now() - timedelta(hours=25 - n),
            decided_by=coordinator,
        )
    decided = coordinator_client.get(QUEUE).text.partition('id="decided-title"')[2]
    assert "Kring 24" in decided and "Kring 05" in decided and "Kring 04" not in decided


def test_the_moderation_page_links_to_the_queue(coordinator_client):
    assert f'href="{QUEUE}"' in coordinator_client.get("/initiatieven/moderatie/").text
