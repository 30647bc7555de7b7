"""An organiser on a laptop: log in → new meeting with programme → publish → flyer with QR →
sign-ups arrive (one on a resident's phone, one added by hand) → Excel export → and at the
door, on a phone, check someone in by name and see the counter move."""

import openpyxl
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from events.models import Event, Registration
from organisations.models import Membership, Role

from .conftest import PHONE, screenshot
from .test_resident_journey import decode_screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USERNAME = "buurtwerker"
PASSWORD = "buurtwerker-wachtwoord-123"
SLUG = "buurtcafe-eext"


@pytest.fixture
def organiser(db, organisation):
    user = User.objects.create_user(USERNAME, password=PASSWORD, first_name="Anouk")
    Membership.objects.create(organisation=organisation, user=user, role=Role.ORGANISER)
    return user


def log_in(page, site, next_path: str) -> None:
    page.goto(f"{site}/accounts/login/?next={next_path}")
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_password").fill(PASSWORD)
    # The first submit button on every page is the language switch: use the login form's.
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{site}{next_path}")


def test_organiser_creates_meeting_follows_signups_and_checks_in(
    site, browser, desktop, organiser, tmp_path
):
    page = desktop
    log_in(page, site, "/organisatie/evenementen/nieuw/")
    expect(page.locator("h1")).to_have_text("Nieuwe bijeenkomst")

    # A new meeting with a programme of two items.
    page.locator("#id_title").fill("Buurtcafé Eext")
    page.locator("#id_slug").fill(SLUG)
    page.locator("#id_summary").fill("Samen praten over zorgen voor elkaar in het dorp.")
    page.locator("#id_starts_at").fill("2030-05-01T10:00")
    page.locator("#id_ends_at").fill("2030-05-01T13:00")
    page.locator("#id_venue_name").fill("Dorpshuis De Hunze")
    page.locator("#id_venue_street").fill("Hoofdstraat 1")
    page.locator("#id_venue_postcode").fill("9463 PA")
    page.locator("#id_venue_city").fill("Eext")
    page.locator("#id_capacity").fill("40")
    page.locator("#id_programme-0-start_time").fill("10:00")
    page.locator("#id_programme-0-title").fill("Welkom en opening")
    page.locator("#id_programme-0-kind").select_option("plenary")
    page.locator("#id_programme-1-start_time").fill("11:00")
    page.locator("#id_programme-1-end_time").fill("12:00")
    page.locator("#id_programme-1-title").fill("Voorzorgcirkels in de praktijk")
    page.locator("#id_programme-1-kind").select_option("breakout")
    page.locator("#id_programme-1-room").fill("Zaal 2")
    screenshot(page, "organiser-event-form-desktop")
    page.locator("form.organiser-form button[type=submit]").click()

    page.wait_for_url(f"{site}/organisatie/evenementen/{SLUG}/")
    expect(page.get_by_text("De bijeenkomst is opgeslagen.")).to_be_visible()
    event = Event.objects.get(slug=SLUG)
    assert event.status == Event.Status.DRAFT
    assert event.organisation.memberships.filter(user=organiser).exists()
    assert [item.title for item in event.programme.all()] == [
        "Welkom en opening",
        "Voorzorgcirkels in de praktijk",
    ]

    # Publish it.
    page.get_by_role("button", name="Publiceren").click()
    page.wait_for_url(f"{site}/organisatie/evenementen/{SLUG}/")
    expect(page.get_by_role("button", name="Publiceren")).to_have_count(0)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    screenshot(page, "organiser-event-overview-desktop")

    # Print the flyer; its QR code opens the public meeting page.
    page.get_by_role("link", name="Print de flyer (A4)").click()
    page.wait_for_url(f"{site}/evenementen/{SLUG}/poster/")
    qr = page.locator(".poster-qr img")
    qr.wait_for()
    expect(page.locator("h1")).to_have_text("Buurtcafé Eext")
    scanned_url = decode_screenshot(qr.screenshot())
    assert scanned_url == f"{site}/evenementen/{SLUG}/"
    screenshot(page, "organiser-poster-desktop")

    # A resident scans it with her own phone and signs up, choosing the breakout session.
    resident = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="nl-NL")
    try:
        phone = resident.new_page()
        phone.goto(scanned_url)
        expect(phone.locator("h1")).to_have_text("Buurtcafé Eext")
        phone.get_by_label("Je naam").fill("Samira Bakker")
        phone.get_by_label("Je e-mailadres").fill("samira@example.org")
        phone.get_by_label("Met hoeveel mensen kom je, jijzelf meegeteld?").select_option("2")
        phone.get_by_label("Voorzorgcirkels in de praktijk").check()
        phone.get_by_role("button", name="Meld mij aan").click()
        phone.wait_for_url(f"{site}/aanmelding/**")
        expect(phone.get_by_role("heading", name="Je bent aangemeld")).to_be_visible()
    finally:
        resident.close()

    # Another resident phoned in: the organiser adds him by hand.
    page.goto(f"{site}/organisatie/evenementen/{SLUG}/deelnemers/")
    page.get_by_role("link", name="Deelnemer toevoegen").click()
    page.wait_for_url(f"{site}/organisatie/evenementen/{SLUG}/deelnemers/toevoegen/")
    form = page.locator("main form")
    form.locator("#id_name").fill("Jan de Vries")
    form.locator("#id_email").fill("jan@example.org")
    form.locator("#id_consent_note").fill("Telefonisch op 3 mei, akkoord met e-mail")
    form.get_by_role("button", name="Opslaan").click()

    # Both are on the attendee list.
    page.wait_for_url(f"{site}/organisatie/evenementen/{SLUG}/deelnemers/")
    expect(page.get_by_text("Jan de Vries is toegevoegd.")).to_be_visible()
    table = page.locator("table.attendees")
    expect(table.get_by_role("row").filter(has_text="Samira Bakker")).to_contain_text(
        "Voorzorgcirkels in de praktijk"
    )
    expect(table.get_by_role("row").filter(has_text="Jan de Vries")).to_contain_text(
        "Telefonisch op 3 mei"
    )
    expect(page.locator('[data-count="confirmed"]')).to_have_text("3")
    screenshot(page, "organiser-attendees-desktop")

    # The Excel export downloads and holds both names.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    cells = {
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    workbook.close()
    assert {"Samira Bakker", "Jan de Vries"} <= cells

    # At the door, on a phone: find Samira by name and check her in.
    door = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="nl-NL")
    try:
        _check_in_by_name(door.new_page(), site)
    finally:
        door.close()
    samira = Registration.objects.get(email="samira@example.org")
    assert samira.checked_in_at is not None
    assert Registration.objects.get(email="jan@example.org").checked_in_at is None


def _check_in_by_name(page, site):
    checkin_path = f"/organisatie/evenementen/{SLUG}/inchecken/"
    log_in(page, site, checkin_path)
    counter = page.locator('[data-count="checked_in"]')
    expect(counter).to_have_text("0")

    search = page.locator("form[role=search]")
    search.get_by_label("Naam of e-mail").fill("Samira")
    search.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(f"{site}{checkin_path}?q=Samira")
    found = page.locator("li.list-group-item").filter(has_text="Samira Bakker")
    expect(found).to_have_count(1)
    screenshot(page, "organiser-checkin-search-phone")
    found.get_by_role("button", name="Inchecken").click()

    page.wait_for_url(f"{site}{checkin_path}")
    # Samira comes with one companion: two people are in.
    expect(counter).to_have_text("2")
    screenshot(page, "organiser-checkin-done-phone")

    # Searching again shows her as checked in, with no second check-in button.
    search.get_by_label("Naam of e-mail").fill("Samira")
    search.get_by_role("button", name="Zoeken").click()
    found = page.locator("li.list-group-item").filter(has_text="Samira Bakker")
    expect(found).to_contain_text("ingecheckt om")
    expect(found.get_by_role("button", name="Inchecken")).to_have_count(0)
