"""Live input in a real browser: a phone votes, the projector shows it by itself."""

import pytest
from playwright.sync_api import expect

from events import services
from events.models import LiveVote

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def poll(make_event):
    event = make_event(slug="buurtgesprek-live", capacity=40)
    round_ = services.live_round_create(
        event=event,
        kind="one_choice",
        title="Welk vraagstuk eerst?",
        options=["Wonen en zorg", "Eenzaamheid"],
    )
    return services.live_round_open(round=round_)


def test_a_phone_votes_and_the_projector_updates_without_reloading(site, browser, poll):
    event = poll.event
    screen = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    projector = screen.new_page()
    projector.goto(f"{site}/evenementen/{event.slug}/live/scherm/")
    expect(projector.locator("h1")).to_have_text("Welk vraagstuk eerst?")
    assert "0 stemmen" in projector.inner_text("main")

    for n, viewport in enumerate((PHONE, DESKTOP)):
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        phone = context.new_page()
        phone.goto(f"{site}/evenementen/{event.slug}/live/")
        phone.get_by_role("radio", name="Eenzaamheid").check()
        phone.locator("main form button[type=submit]").first.click()
        expect(phone.locator("main")).to_contain_text("je stem telt")
        # The same phone changes its vote: it moves, it is not added.
        phone.get_by_role("radio", name="Wonen en zorg").check()
        phone.locator("main form button[type=submit]").first.click()
        expect(phone.locator("main")).to_contain_text("je stem telt")
        context.close()
        assert LiveVote.objects.filter(round=poll).count() == n + 1

    # No reload: htmx asks every 2 seconds.
    expect(projector.locator("main")).to_contain_text("2 stemmen", timeout=5000)
    assert "@" not in projector.inner_text("main")
    screen.close()


def test_the_participants_page_works_without_javascript(site, browser, poll):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    page = context.new_page()
    page.goto(f"{site}/evenementen/{poll.event.slug}/live/")
    page.get_by_role("radio", name="Eenzaamheid").check()
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("your vote counts")
    assert LiveVote.objects.filter(round=poll, option__label="Eenzaamheid").count() == 1
    context.close()
