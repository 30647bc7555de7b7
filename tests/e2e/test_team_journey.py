"""A team on phones: the owner invites a colleague, who joins, makes and publishes a
meeting; the owner makes a door link, and a volunteer's phone without an account scans a
ticket with its camera and is refused the attendee list."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import expect

from events import services
from events.models import Event
from events.qr import qr_png
from organisations.models import Membership, Role

from .conftest import CHROMIUM, CHROMIUM_FLAGS, PHONE, screenshot
from .test_door_checkin import write_y4m

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OWNER, OWNER_PASSWORD = "anouk", "anouk-wachtwoord-123"
SLUG = "koffieochtend-de-linde"


def phone_context(browser, **options):
    return browser.new_context(viewport=PHONE, device_scale_factor=2, locale="nl-NL", **options)


def log_in(page, site, username, password, next_path):
    page.goto(f"{site}/accounts/login/?next={next_path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{site}{next_path}")


def test_invite_join_publish_door_link_and_scan(site, browser, playwright, organisation, tmp_path):
    owner = User.objects.create_user(OWNER, email="anouk@example.org", password=OWNER_PASSWORD)
    Membership.objects.create(organisation=organisation, user=owner, role=Role.OWNER)

    # 1. The owner invites a colleague as organiser, from her phone.
    owner_context = phone_context(browser)
    page = owner_context.new_page()
    team = f"/organisatie/organisaties/{organisation.slug}/"
    log_in(page, site, OWNER, OWNER_PASSWORD, team)
    page.locator("#id_email").fill("samira@example.org")
    page.locator("#id_role").select_option(Role.ORGANISER)
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator(".alert").first).to_contain_text("samira@example.org")
    screenshot(page, "team-invited-phone")

    # 2. The email's link, on the colleague's phone: she chooses a name and a password.
    body = mail.outbox[-1].body
    link = re.search(r"https?://\S+/uitnodiging/[A-Za-z0-9_-]+/", body).group(0)
    assert link.startswith(site)
    colleague_context = phone_context(browser)
    colleague = colleague_context.new_page()
    colleague.goto(link)
    expect(colleague.locator("h1")).to_contain_text(organisation.name)
    screenshot(colleague, "invitation-new-account-phone")
    colleague.locator("#id_name").fill("Samira Bakker")
    colleague.locator("#id_password1").fill("koffie-met-de-buren-42")
    colleague.locator("#id_password2").fill("koffie-met-de-buren-42")
    colleague.get_by_role("button", name="Account maken en meedoen").click()
    colleague.wait_for_url(f"{site}/organisatie/")
    expect(colleague.locator("main")).to_contain_text(organisation.name)
    samira = User.objects.get(email="samira@example.org")
    assert Membership.objects.get(user=samira).role == Role.ORGANISER

    # 3. She makes a meeting and publishes it.
    colleague.goto(f"{site}/organisatie/evenementen/nieuw/")
    colleague.locator("#id_title").fill("Koffieochtend De Linde")
    colleague.locator("#id_slug").fill(SLUG)
    colleague.locator("#id_summary").fill("Koffie en een praatje met de buren.")
    colleague.locator("#id_starts_at").fill("2030-05-01T10:00")
    colleague.locator("#id_ends_at").fill("2030-05-01T12:00")
    colleague.locator("#id_venue_name").fill("Buurtkamer De Linde")
    colleague.locator("#id_capacity").fill("20")
    colleague.locator("form.organiser-form button[type=submit]").click()
    colleague.wait_for_url(f"{site}/organisatie/evenementen/{SLUG}/")
    colleague.get_by_role("button", name="Publiceren").click()
    expect(colleague.get_by_text("De bijeenkomst is gepubliceerd")).to_be_visible()
    meeting = Event.objects.get(slug=SLUG)
    assert meeting.status == Event.Status.PUBLISHED and meeting.organisation == organisation
    ticket = services.registration_create(
        event=meeting, name="Henk de Boer", email="henk@example.org"
    ).registration

    # 4. The owner makes a door link for the volunteer.
    page.goto(f"{site}/organisatie/evenementen/{SLUG}/inchecken/")
    page.locator("#id_label").fill("Fatima, hoofdingang")
    page.locator("#door-links form button[type=submit]").click()
    door_url = page.locator("#door-links input[readonly]").first.input_value()
    assert "/deur/" in door_url
    screenshot(page, "door-link-made-phone")
    owner_context.close()
    colleague_context.close()

    # 5. The volunteer's phone: no account, a camera showing Henk's ticket.
    video = tmp_path / "ticket.y4m"
    write_y4m(qr_png(ticket.ticket_code, box_size=8), video)
    camera_browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_FLAGS
        + [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        volunteer_context = phone_context(camera_browser)
        volunteer_context.grant_permissions(["camera"], origin=site)
        volunteer = volunteer_context.new_page()
        volunteer.goto(door_url)
        expect(volunteer.locator("#door-link-info")).to_contain_text("Fatima, hoofdingang")
        volunteer.get_by_role("button", name="Start de camera").click()
        expect(volunteer.locator("#scan-result")).to_have_text(
            "Welkom, Henk de Boer", timeout=15000
        )
        screenshot(volunteer, "door-link-scan-phone")
        # The link opens nothing else: the attendee list wants a login.
        volunteer.goto(f"{site}/organisatie/evenementen/{SLUG}/deelnemers/")
        assert "/accounts/login/" in volunteer.url
        expect(volunteer.locator("main")).not_to_contain_text("henk@example.org")
    finally:
        camera_browser.close()
    ticket.refresh_from_db()
    assert ticket.checked_in_at is not None
    assert ticket.checked_in_via.label == "Fatima, hoofdingang"
