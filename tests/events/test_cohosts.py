"""Co-organisers: someone from another organisation organises one meeting with the team."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from organisations.models import AuditEntry, Role


@pytest.fixture
def other_organisation(make_organisation):
    return make_organisation("Zorgcoöperatie Elders", slug="elders")


@pytest.fixture
def cohost(make_user, make_member, other_organisation):
    """An organiser in another organisation's team."""
    user = make_user("cora", email="cora@elders.example", first_name="Cora", last_name="Smit")
    make_member(user, other_organisation, Role.ORGANISER)
    return user


def add(client, event, email):
    return client.post(reverse("events:cohost_add", args=[event.slug]), {"email": email})


def remove(client, event, user):
    return client.post(reverse("events:cohost_remove", args=[event.slug, user.pk]))


def attendees_url(event):
    return reverse("events:attendees", args=[event.slug])


def levels(response):
    return [message.level_tag for message in get_messages(response.wsgi_request)]


def test_adding_a_co_organiser_gives_them_this_meeting_only(
    client, event, organiser, cohost, make_event, registration
):
    other_meeting = make_event(title="Andere bijeenkomst")
    client.force_login(organiser)
    response = add(client, event, "  CORA@elders.example ")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:organiser_event", args=[event.slug])
    assert levels(response) == ["success"]
    assert list(event.organisers.all()) == [cohost]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.COHOST_ADDED)
    assert entry.organisation == event.organisation and entry.actor == organiser
    assert entry.subject == "cora@elders.example" and entry.detail == event.title

    client.force_login(cohost)
    page = client.get(attendees_url(event))
    assert page.status_code == 200 and "Ans de Vries" in page.text
    assert client.get(reverse("events:organiser_event", args=[event.slug])).status_code == 200
    assert client.get(attendees_url(other_meeting)).status_code == 404
    assert client.get(reverse("events:checkin", args=[other_meeting.slug])).status_code == 404


def test_overview_lists_co_organisers_and_the_organisation(client, event, organiser, cohost):
    event.organisers.add(cohost)
    client.force_login(organiser)
    page = client.get(reverse("events:organiser_event", args=[event.slug])).text
    assert event.organisation.name in page
    assert 'id="co-organisers"' in page
    assert "Cora Smit" in page and "cora@elders.example" in page
    assert reverse("events:cohost_remove", args=[event.slug, cohost.pk]) in page
    assert reverse("events:cohost_add", args=[event.slug]) in page


def test_adding_twice_logs_once(client, event, organiser, cohost):
    client.force_login(organiser)
    add(client, event, cohost.email)
    add(client, event, cohost.email)
    assert event.organisers.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.COHOST_ADDED).count() == 1


@pytest.mark.parametrize("who", ["unknown", "no_role", "door_elsewhere", "same_team", "door_here"])
def test_who_cannot_be_named(
    client, event, organiser, who, make_user, make_member, other_organisation
):
    email = "nieuw@example.org"
    if who != "unknown":
        user = make_user("nieuw", email=email)
        if who == "door_elsewhere":
            make_member(user, other_organisation, Role.DOOR)
        elif who == "same_team":
            make_member(user, event.organisation, Role.ORGANISER)
        elif who == "door_here":
            # A door volunteer here who organises elsewhere: the owner changes the role.
            make_member(user, other_organisation, Role.ORGANISER)
            make_member(user, event.organisation, Role.DOOR)
    client.force_login(organiser)
    response = add(client, event, email)
    assert response.status_code == 302
    assert levels(response) == ["error"]
    assert not event.organisers.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.COHOST_ADDED).exists()


def test_invalid_email_is_refused(client, event, organiser):
    client.force_login(organiser)
    response = add(client, event, "geen-adres")
    assert levels(response) == ["error"]
    assert not event.organisers.exists()


def test_inactive_account_cannot_be_named(client, event, organiser, cohost):
    cohost.is_active = False
    cohost.save()
    client.force_login(organiser)
    assert levels(add(client, event, cohost.email)) == ["error"]
    assert not event.organisers.exists()


def test_removing_takes_effect_on_the_next_request(client, event, organiser, cohost):
    event.organisers.add(cohost)
    cohost_client = Client()
    cohost_client.force_login(cohost)
    assert cohost_client.get(attendees_url(event)).status_code == 200

    client.force_login(organiser)
    response = remove(client, event, cohost)
    assert response.status_code == 302
    assert response["Location"] == reverse("events:organiser_event", args=[event.slug])
    assert not event.organisers.exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.COHOST_REMOVED)
    assert entry.subject == cohost.email and entry.actor == organiser

    assert cohost_client.get(attendees_url(event)).status_code == 404
    assert cohost_client.get(reverse("events:checkin", args=[event.slug])).status_code == 404


def test_co_organiser_can_step_down(client, event, cohost):
    event.organisers.add(cohost)
    client.force_login(cohost)
    response = remove(client, event, cohost)
    assert response["Location"] == reverse("events:dashboard")
    assert not event.organisers.exists()


def test_removing_someone_who_is_no_co_organiser_is_404(client, event, organiser, cohost):
    client.force_login(organiser)
    assert remove(client, event, cohost).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.COHOST_REMOVED).exists()


def test_only_the_meetings_organisers_name_co_organisers(
    client, event, cohost, make_user, make_member
):
    door = make_user("deur")
    make_member(door, event.organisation, Role.DOOR)
    client.force_login(door)
    assert add(client, event, cohost.email).status_code == 403
    client.force_login(cohost)  # not (yet) a co-organiser of this meeting
    assert add(client, event, cohost.email).status_code == 404
    client.logout()
    response = add(client, event, cohost.email)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not event.organisers.exists()
