"""The meeting from first vote to published report, in a real browser.

An organiser on a desktop opens a poll, three phones vote, the projector shows the counts
without a reload; the organiser closes the round and publishes a report with the frozen
results and an agreement, and the public report shows them.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from events import services
from events.models import LiveVote, Report
from organisations.models import Membership, Role

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USERNAME, PASSWORD = "verslaggever", "verslag-zorgzaam-2026"


@pytest.fixture
def held(make_event):
    now = timezone.now()
    event = make_event(
        slug="buurtgesprek-verslag",
        title="Buurtgesprek over wonen",
        capacity=40,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    services.live_round_create(
        event=event,
        kind="one_choice",
        title="Welk vraagstuk eerst?",
        options=["Wonen en zorg", "Eenzaamheid", "Vervoer"],
    )
    user = User.objects.create_user(USERNAME, password=PASSWORD, email="v@example.org")
    Membership.objects.create(organisation=event.organisation, user=user, role=Role.ORGANISER)
    return event


def _english(context, site):
    context.add_cookies([{"name": "django_language", "value": "en", "url": site}])


def test_poll_to_published_report(site, browser, held):
    slug = held.slug
    office = browser.new_context(viewport=DESKTOP, locale="en-GB")
    _english(office, site)
    organiser = office.new_page()
    organiser.goto(f"{site}/accounts/login/?next=/organisatie/evenementen/{slug}/live/")
    organiser.locator("#id_username").fill(USERNAME)
    organiser.locator("#id_password").fill(PASSWORD)
    organiser.locator("main form button[type=submit]").click()
    organiser.wait_for_url(f"{site}/organisatie/evenementen/{slug}/live/")
    organiser.get_by_role("button", name="Open", exact=True).click()
    expect(organiser.locator(".alert-success")).to_contain_text("The round is open")

    screen = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    _english(screen, site)
    projector = screen.new_page()
    projector.goto(f"{site}/evenementen/{slug}/live/scherm/")
    expect(projector.locator("h1")).to_have_text("Welk vraagstuk eerst?")

    for choice in ("Eenzaamheid", "Eenzaamheid", "Vervoer"):
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="en-GB")
        _english(context, site)
        phone = context.new_page()
        phone.goto(f"{site}/evenementen/{slug}/live/")
        phone.get_by_role("radio", name=choice).check()
        phone.locator("main form button[type=submit]").first.click()
        expect(phone.locator("main")).to_contain_text("your vote counts")
        context.close()
    assert LiveVote.objects.filter(round__event=held).count() == 3

    # The projector was never reloaded: htmx brought the count.
    expect(projector.locator("main")).to_contain_text("3 votes", timeout=6000)
    screenshot(projector, "report-flow-projector")
    screen.close()

    organiser.get_by_role("button", name="Close", exact=True).click()
    expect(organiser.locator(".alert-success")).to_contain_text("The round is closed")

    organiser.goto(f"{site}/organisatie/evenementen/{slug}/verslag/")
    organiser.get_by_role("textbox", name="Summary").fill(
        "We talked about living and care.\n\nMore at https://example.org/wonen"
    )
    organiser.locator("form:has(input[value=text]) button[type=submit]").click()
    expect(organiser.locator(".alert-success")).to_contain_text("The report was saved")
    organiser.get_by_role("button", name="Add the results to the report").click()
    expect(organiser.locator(".alert-success")).to_contain_text("added to the report")
    organiser.get_by_label("What was agreed?").fill("Start a lunch table in the community centre")
    organiser.get_by_label("Who does it?").fill("Welfare team West")
    organiser.get_by_label("By when?").fill("2027-03-01")
    organiser.get_by_role("button", name="Add agreement").click()
    expect(organiser.locator(".alert-success")).to_contain_text("The agreement was added")
    organiser.get_by_role("button", name="Publish the report").click()
    expect(organiser.locator(".alert-success")).to_contain_text("The report is online")
    screenshot(organiser, "report-flow-manage")
    assert Report.objects.get(event=held).is_published

    # A vote after the report was made does not change it: the results are frozen.
    reader_context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="en-GB")
    _english(reader_context, site)
    reader = reader_context.new_page()
    reader.goto(f"{site}/evenementen/{slug}/verslag/")
    main = reader.locator("main")
    expect(main.locator("h1")).to_contain_text("Buurtgesprek over wonen")
    expect(main).to_contain_text("3 participants voted")
    rows = main.locator(".outcome-results li")
    expect(rows).to_have_count(3)
    expect(rows.nth(1).locator(".outcome-label")).to_have_text("Eenzaamheid")
    expect(rows.nth(1).locator(".outcome-total")).to_have_text("2 votes")
    agreement = main.locator(".agreements-list li")
    expect(agreement).to_contain_text("Start a lunch table in the community centre")
    expect(agreement).to_contain_text("Welfare team West")
    expect(agreement).to_contain_text("1 March 2027")
    expect(main.get_by_role("link", name="https://example.org/wonen")).to_be_visible()
    width = reader.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    screenshot(reader, "report-flow-phone")
    reader_context.close()
    office.close()
