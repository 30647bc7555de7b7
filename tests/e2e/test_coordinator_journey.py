"""The catalogue's life cycle: a resident submits an initiative on a phone, a coordinator
accepts it (and places it on the map), and then anyone finds it with the search box and a
facet, on the map, and in English."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from playwright.sync_api import expect

from initiatives.models import Initiative
from zorgzaam.roles import COORDINATORS

from .conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USERNAME = "coordinator"
PASSWORD = "coordinator-wachtwoord-123"
NAME = "Noaberhulp Eext"


@pytest.fixture
def demo(site):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def coordinator(demo):
    user = User.objects.create_user(USERNAME, password=PASSWORD, first_name="Geesje")
    user.groups.add(Group.objects.get(name=COORDINATORS))
    return user


def no_map_tiles(page) -> None:
    """The map's tiles come from OpenStreetMap: tests stay off the internet."""
    page.route("https://**/*.png", lambda route: route.abort())


def test_submitted_initiative_is_moderated_and_then_found(site, phone, desktop, coordinator):
    # A resident adds an initiative from her phone.
    phone.goto(f"{site}/initiatieven/aanmelden/")
    expect(phone.locator("h1")).to_have_text("Voeg een initiatief toe")
    phone.get_by_label("Naam van het initiatief").fill(NAME)
    phone.get_by_label("Wat voor soort initiatief is het?").select_option(
        label="Naoberzorg / noaberzorg"
    )
    phone.get_by_label("Gemeente").select_option(label="Aa en Hunze (Drenthe)")
    phone.get_by_label("Dorp, stad of wijk").fill("Eext")
    phone.get_by_label("Postcode (alleen de 4 cijfers)").fill("9463")
    phone.get_by_label("In één zin: wat doen jullie?").fill(
        "Buren helpen elkaar met boodschappen, vervoer en een kop koffie."
    )
    phone.get_by_label("Boodschappen").check()
    phone.get_by_label("Je naam").fill("Hennie Hofstee")
    phone.get_by_label("Je e-mailadres").fill("hennie@example.org")
    screenshot(phone, "initiative-submit-phone")
    phone.get_by_role("button", name="Versturen").click()
    phone.wait_for_url(f"{site}/initiatieven/aanmelden/bedankt/")
    expect(phone.locator("h1")).to_have_text("Bedankt voor je aanmelding")

    initiative = Initiative.objects.get(name=NAME)
    assert initiative.publication == Initiative.Publication.PENDING
    assert initiative.latitude is None and initiative.longitude is None
    # Not public until a coordinator has looked at it.
    phone.goto(f"{site}/initiatieven/?q=Eext")
    expect(phone.locator("#result-count")).to_have_text("0 initiatieven")

    # The coordinator reviews it, places it on the map and accepts it.
    page = desktop
    page.goto(f"{site}/accounts/login/?next=/initiatieven/moderatie/")
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{site}/initiatieven/moderatie/")
    pending = page.locator("section[aria-labelledby=pending-title]")
    expect(pending.locator("h2")).to_have_text("1 aangemeld initiatief wacht")
    expect(pending.get_by_role("row").filter(has_text=NAME)).to_contain_text("Aa en Hunze")
    screenshot(page, "moderation-queue-desktop")
    pending.get_by_role("link", name=NAME).click()

    page.wait_for_url(f"{site}/initiatieven/moderatie/{initiative.pk}/")
    expect(page.locator("h1")).to_have_text(NAME)
    expect(page.get_by_text("Hennie Hofstee hennie@example.org")).to_be_visible()
    page.locator("#id_latitude").fill("53.0364")
    page.locator("#id_longitude").fill("6.7325")
    screenshot(page, "moderation-review-desktop")
    page.get_by_role("button", name="Opslaan en goedkeuren").click()

    page.wait_for_url(f"{site}/initiatieven/moderatie/")
    expect(page.get_by_text("Goedgekeurd en gepubliceerd.")).to_be_visible()
    expect(pending).to_contain_text("Er is niets te beoordelen.")
    initiative.refresh_from_db()
    assert initiative.publication == Initiative.Publication.PUBLISHED
    assert initiative.is_published
    assert float(initiative.latitude) == pytest.approx(53.0364)

    # The coordinator finds it in the catalogue with the search box …
    page.goto(f"{site}/initiatieven/")
    everything = page.locator("#result-count").inner_text()
    page.get_by_label("Zoek op naam, plaats, gemeente of activiteit").fill("Eext")
    page.locator(".catalogue-search").get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**/initiatieven/?q=Eext**")
    expect(page.locator("#result-count")).to_have_text("1 initiatief")
    results = page.locator(".catalogue-results")
    expect(results.get_by_role("link", name=NAME)).to_be_visible()

    # … and narrows the whole catalogue with a facet (the form updates in place).
    page.goto(f"{site}/initiatieven/")
    expect(page.locator("#result-count")).to_have_text(everything)
    page.locator("details.facet summary").filter(has_text="Soort").click()
    page.get_by_label("Naoberzorg / noaberzorg").check()
    page.wait_for_url("**/initiatieven/?**type=naoberzorg**")
    expect(page.locator(".chips")).to_contain_text("Soort: Naoberzorg / noaberzorg")
    expect(page.locator("#result-count")).not_to_have_text(everything)
    expect(results.get_by_role("link", name=NAME)).to_be_visible()
    shown = results.locator(".initiative-list > li")
    assert shown.count() >= 1
    for card in shown.all():
        expect(card).to_contain_text("Naoberzorg")
    screenshot(page, "catalogue-facet-desktop")

    # Search and facet together, then on to the map: a marker and a line in the list.
    page.get_by_label("Zoek op naam, plaats, gemeente of activiteit").fill("Eext")
    page.locator(".catalogue-search").get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**/initiatieven/?q=Eext&type=naoberzorg**")
    expect(page.locator("#result-count")).to_have_text("1 initiatief")
    no_map_tiles(page)
    # The map link sits outside the part that updates in place; it is kept up to date.
    page.get_by_role("link", name="Bekijk op de kaart").click()
    page.wait_for_url("**/initiatieven/kaart/?**")
    assert "type=naoberzorg" in page.url and "q=Eext" in page.url
    expect(page.locator("h1")).to_have_text("Kaart met initiatieven")
    listed = page.locator("#map-list").get_by_role("row").filter(has_text=NAME)
    expect(listed).to_contain_text("Naoberzorg / noaberzorg")
    points_url = page.locator("#initiative-map").get_attribute("data-points-url")
    points = page.request.get(site + points_url).json()["points"]
    assert [(name, lat, lng) for lat, lng, name, *_ in points] == [(NAME, 53.0364, 6.7325)]
    expect(page.locator(f'.leaflet-marker-icon[title="{NAME}"]')).to_be_visible()
    screenshot(page, "map-desktop")

    # The public page of the new entry.
    listed.get_by_role("link", name=NAME).click()
    page.wait_for_url(f"{site}/initiatieven/{initiative.slug}/")
    expect(page.locator("h1")).to_have_text(NAME)


def test_catalogue_in_english(site, phone, demo):
    phone.goto(f"{site}/initiatieven/")
    expect(phone.locator("h1")).to_have_text("Initiatieven")
    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("h1")).to_have_text("Initiatives")
    phone.get_by_label("Search by name, place, municipality or activity").fill("Zorgvrijstaat")
    phone.locator(".catalogue-search").get_by_role("button", name="Search").click()
    phone.wait_for_url("**/initiatieven/?q=Zorgvrijstaat**")
    # Zorgvrijstaat, and the coalition whose description names it.
    expect(phone.locator("#result-count")).to_have_text("2 initiatives")
    results = phone.locator(".catalogue-results")
    expect(results.get_by_role("link", name="Zorgvrijstaat", exact=True)).to_be_visible()
    expect(phone.get_by_role("link", name="Show on the map")).to_be_visible()
    screenshot(phone, "catalogue-phone-en")
