"""Door links: one meeting's check-in on a volunteer's phone, without an account."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import DoorLink, Registration
from organisations.models import AuditEntry, Role


@pytest.fixture
def door_link(event, organiser):
    return services.door_link_create(event=event, label="Fatima, hoofdingang", user=organiser)


@pytest.fixture
def attendees(event, registration):
    """Ans (from `registration`) and Bram, who comes with two others."""
    bram = services.registration_create(
        event=event, name="Bram Bakker", email="bram@example.org", party_size=3
    ).registration
    return [registration, bram]


@pytest.fixture
def door_volunteer(make_user, make_member, event):
    user = make_user("deur", email="deur@example.org")
    make_member(user, event.organisation, Role.DOOR)
    return user


def door_url(link, suffix=""):
    return f"/deur/{link.token}/{suffix}"


def organiser_url(event, suffix=""):
    return f"/organisatie/evenementen/{event.slug}/{suffix}"


# Making, showing and withdrawing links -------------------------------------------------


def test_organiser_makes_a_door_link(client, event, organiser):
    client.force_login(organiser)
    response = client.post(reverse("events:door_link_create", args=[event.slug]), {"label": "Jan"})
    link = DoorLink.objects.get(event=event)
    assert response.status_code == 302
    assert response["Location"] == f"{organiser_url(event, 'inchecken/')}#door-link-{link.pk}"
    assert link.label == "Jan" and link.created_by == organiser
    assert link.expires_at == event.ends_at + timedelta(hours=4)
    assert link.revoked_at is None and link.last_used_at is None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DOOR_LINK_CREATED)
    assert entry.organisation == event.organisation and entry.actor == organiser
    assert entry.subject == "Jan"


def test_check_in_page_shows_the_link_to_its_organisers(client, event, organiser, door_link):
    client.force_login(organiser)
    page = client.get(organiser_url(event, "inchecken/")).text
    assert 'id="door-links"' in page
    assert f'id="door-link-{door_link.pk}"' in page
    assert reverse("events:door_link_qr", args=[event.slug, door_link.pk]) in page
    assert f'value="{door_link.absolute_url}"' in page  # the readonly field to copy
    assert reverse("events:door_link_revoke", args=[event.slug, door_link.pk]) in page
    assert reverse("events:door_link_create", args=[event.slug]) in page


def test_withdrawing_a_link(client, event, organiser, door_link):
    client.force_login(organiser)
    response = client.post(reverse("events:door_link_revoke", args=[event.slug, door_link.pk]))
    assert response.status_code == 302
    door_link.refresh_from_db()
    assert door_link.revoked_at is not None
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DOOR_LINK_REVOKED).count() == 1
    page = client.get(organiser_url(event, "inchecken/")).text
    assert f'id="door-link-{door_link.pk}"' not in page
    # Withdrawing twice changes nothing and logs nothing more.
    client.post(reverse("events:door_link_revoke", args=[event.slug, door_link.pk]))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DOOR_LINK_REVOKED).count() == 1


def test_no_door_link_for_a_meeting_that_is_over(client, make_event, organiser):
    over = make_event(
        starts_at=timezone.now() - timedelta(hours=9), ends_at=timezone.now() - timedelta(hours=5)
    )
    client.force_login(organiser)
    response = client.post(reverse("events:door_link_create", args=[over.slug]), {"label": "Jan"})
    assert response.status_code == 302
    assert not DoorLink.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DOOR_LINK_CREATED).exists()
    with pytest.raises(services.EventError) as error:
        services.door_link_create(event=over, label="Jan", user=organiser)
    assert error.value.code == "door_link_too_late"


def test_door_link_needs_a_label(client, event, organiser):
    client.force_login(organiser)
    client.post(reverse("events:door_link_create", args=[event.slug]), {"label": ""})
    assert not DoorLink.objects.exists()


def test_qr_code_of_a_link_is_for_organisers_only(
    client, event, organiser, door_link, door_volunteer, make_user, make_organisation, make_member
):
    url = reverse("events:door_link_qr", args=[event.slug, door_link.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(door_volunteer)
    assert client.get(url).status_code == 403
    outsider = make_user("elders")
    make_member(outsider, make_organisation("Elders"), Role.OWNER)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(organiser)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "private, no-store"


# The door page on a phone without an account ---------------------------------------------


def test_door_page_opens_without_login(client, event, door_link, attendees):
    client.cookies["django_language"] = "en"
    response = client.get(door_url(door_link))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.text
    assert event.title in page
    assert "Door link: Fatima, hoofdingang" in page
    assert 'data-scan-url="' + door_url(door_link, "scan/") + '"' in page
    assert 'data-counts-url="' + door_url(door_link, "stand/") + '"' in page
    assert 'action="' + door_url(door_link, "scan/") + '"' in page
    assert '<meta name="robots" content="noindex">' in page


def test_door_page_shows_names_never_email(client, event, door_link, attendees):
    client.cookies["django_language"] = "en"
    page = client.get(door_url(door_link), {"q": "Bakker"}).text
    assert "Bram Bakker" in page and "(3)" in page
    assert "@" not in page
    for registration in attendees:
        assert registration.email not in page
    # The search is by name only.
    for fragment in ("bram@", "example.org", "@"):
        page = client.get(door_url(door_link), {"q": fragment}).text
        assert "Bram Bakker" not in page and "Ans de Vries" not in page
        assert "Nobody found." in page
    # The search field says so.
    page = client.get(door_url(door_link)).text
    assert '<label class="visually-hidden" for="search-q">Name</label>' in page


def test_door_page_has_no_organiser_tools(client, event, door_link, attendees):
    page = client.get(door_url(door_link), {"q": "a"}).text
    assert "/organisatie/" not in page  # no meeting menu, attendees, exports or door links
    assert reverse("events:attendee_add", args=[event.slug]) not in page
    assert "check_in_now" not in page  # the walk-in form
    assert 'id="door-links"' not in page
    assert "export" not in page


def test_search_results_check_in_and_undo_by_ticket_code(client, event, door_link, attendees):
    ans = attendees[0]
    page = client.get(door_url(door_link), {"q": "Ans"}).text
    assert f'name="code" value="{ans.ticket_code}"' in page
    response = client.post(
        door_url(door_link, "scan/"), {"code": ans.ticket_code}, HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 302 and response["Location"] == door_url(door_link)
    ans.refresh_from_db()
    assert ans.checked_in_at is not None
    page = client.get(door_url(door_link), {"q": "Ans"}).text
    assert 'action="' + door_url(door_link, "ongedaan/") + '"' in page


def test_scanning_through_the_door_link(client, event, door_link, registration):
    response = client.post(
        door_url(door_link, "scan/"), {"code": registration.ticket_code}, HTTP_ACCEPT="*/*"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["result"] == "ok" and data["name"] == "Ans de Vries"
    assert data["checked_in_at"]
    assert data["counts"]["checked_in"] == 1
    assert "email" not in data and "@" not in response.content.decode()
    registration.refresh_from_db()
    door_link.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.checked_in_via == door_link
    assert registration.checked_in_by is None
    assert door_link.last_used_at is not None
    again = client.post(door_url(door_link, "scan/"), {"code": registration.ticket_code})
    assert again.json()["result"] == "already"


def test_ticket_of_another_meeting(client, make_event, door_link):
    other = make_event(title="Andere bijeenkomst")
    ticket = services.registration_create(
        event=other, name="Piet", email="piet@example.org"
    ).registration
    data = client.post(door_url(door_link, "scan/"), {"code": ticket.ticket_code}).json()
    assert data["result"] == "wrong_event" and data["name"] == ""
    ticket.refresh_from_db()
    assert ticket.checked_in_at is None


def test_unknown_code(client, door_link):
    data = client.post(door_url(door_link, "scan/"), {"code": "nothing-like-a-ticket"}).json()
    assert data["result"] == "unknown"


def test_undo_through_the_door_link(client, door_link, registration):
    client.post(door_url(door_link, "scan/"), {"code": registration.ticket_code})
    response = client.post(door_url(door_link, "ongedaan/"), {"code": registration.ticket_code})
    assert response.status_code == 302 and response["Location"] == door_url(door_link)
    registration.refresh_from_db()
    assert registration.checked_in_at is None and registration.checked_in_via is None


def test_counts_through_the_door_link(client, door_link, attendees):
    response = client.get(door_url(door_link, "stand/"))
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["confirmed"] == 4 and data["checked_in"] == 0


# Links that no longer work ----------------------------------------------------------------


def _assert_gone(client, link, registration, text):
    client.cookies["django_language"] = "en"
    page = client.get(door_url(link))
    assert page.status_code == 410
    assert text in page.text
    assert "Ask the organisers for a new door link." in page.text
    assert '<meta name="robots" content="noindex">' in page.text
    scan = client.post(door_url(link, "scan/"), {"code": registration.ticket_code})
    assert scan.status_code == 410
    assert client.get(door_url(link, "stand/")).status_code == 410
    assert client.post(door_url(link, "ongedaan/"), {"code": "x"}).status_code == 410
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_withdrawn_link_gives_410(client, door_link, organiser, registration):
    services.door_link_revoke(link=door_link, user=organiser)
    _assert_gone(client, door_link, registration, "This door link has been withdrawn")


def test_expired_link_gives_410(client, door_link, registration):
    DoorLink.objects.filter(pk=door_link.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    _assert_gone(client, door_link, registration, "This door link no longer works")


def test_unknown_token_is_404(client, door_link):
    assert client.get("/deur/" + "x" * 43 + "/").status_code == 404
    assert client.post("/deur/" + "x" * 43 + "/scan/", {"code": "abc"}).status_code == 404
    assert client.get("/deur/kort/").status_code == 404


def test_door_link_opens_nothing_in_the_organiser_area(client, event, door_link, registration):
    assert client.get(door_url(door_link)).status_code == 200
    for url in (
        organiser_url(event, "inchecken/"),
        organiser_url(event, "deelnemers/"),
        organiser_url(event, "deelnemers/export.csv"),
        organiser_url(event),
        "/organisatie/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    response = client.post(organiser_url(event, "inchecken/scan/"), {"code": "x"})
    assert response.status_code == 302


# Door volunteers with an account -------------------------------------------------------


def test_door_volunteer_gets_the_check_in_page_only(
    client, event, door_volunteer, attendees, door_link
):
    client.force_login(door_volunteer)
    client.cookies["django_language"] = "en"
    response = client.get(organiser_url(event, "inchecken/"), {"q": "Ans"})
    assert response.status_code == 200
    page = response.text
    assert "Ans de Vries" in page and "ans@example.org" not in page
    assert "Meeting menu" not in page and 'id="door-links"' not in page
    assert "check_in_now" not in page
    assert '<label class="visually-hidden" for="search-q">Name</label>' in page
    assert 'action="' + organiser_url(event, "inchecken/scan/") + '"' in page
    page = client.get(organiser_url(event, "inchecken/"), {"q": "ans@example"}).text
    assert "Ans de Vries" not in page
    for url in (
        organiser_url(event),
        organiser_url(event, "deelnemers/"),
        organiser_url(event, "deelnemers/export.csv"),
        organiser_url(event, "deelnemers/export.xlsx"),
        organiser_url(event, "bewerken/"),
        organiser_url(event, "bericht/"),
        organiser_url(event, "inzicht/"),
        reverse("events:door_link_qr", args=[event.slug, door_link.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("events:door_link_create", args=[event.slug]), {"label": "x"})
    assert response.status_code == 403
    response = client.post(reverse("events:door_link_revoke", args=[event.slug, door_link.pk]))
    assert response.status_code == 403
    assert DoorLink.objects.filter(revoked_at__isnull=True).count() == 1


def test_door_volunteer_scans(client, event, door_volunteer, registration):
    client.force_login(door_volunteer)
    data = client.post(
        organiser_url(event, "inchecken/scan/"), {"code": registration.ticket_code}
    ).json()
    assert data["result"] == "ok"
    registration.refresh_from_db()
    assert registration.checked_in_by == door_volunteer
    assert registration.checked_in_via is None


def test_organiser_search_finds_by_email_and_posts_codes(client, event, organiser, attendees):
    client.force_login(organiser)
    page = client.get(organiser_url(event, "inchecken/"), {"q": "bram@"}).text
    assert "Bram Bakker" in page
    assert f'name="code" value="{attendees[1].ticket_code}"' in page
    assert "Meeting menu" in page or 'class="organiser-nav' in page
    assert "check_in_now" in page  # the walk-in form
    response = client.post(
        organiser_url(event, "inchecken/scan/"),
        {"code": attendees[1].ticket_code},
        HTTP_ACCEPT="text/html",
    )
    assert response["Location"] == organiser_url(event, "inchecken/")
    assert Registration.objects.get(pk=attendees[1].pk).checked_in_by == organiser
