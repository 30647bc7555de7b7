"""The public pages of organisations: the list with search, and one organisation's page."""

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from initiatives.models import Initiative

ROOT = Path(settings.BASE_DIR)
# The organisation with its catalogue entry, the upcoming meetings, the past meetings,
# its series with their numbers of meetings.
DETAIL_PAGE_QUERIES = 4
# The count of organisations, the page of them, their upcoming meetings counted.
LIST_PAGE_QUERIES = 3


@pytest.fixture
def client(client):
    """English, the language the tests' expected texts are written in."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def past(make_event, **fields):
    start = timezone.now().replace(microsecond=0) - timedelta(days=30)
    return make_event(starts_at=start, ends_at=start + timedelta(hours=2), **fields)


# The list -----------------------------------------------------------------------------


def test_list_shows_each_organisation_with_its_upcoming_meetings(
    client, make_organisation, make_event
):
    drents = make_organisation("Drents Collectief", description="Samen zorgen in Drenthe.")
    quiet = make_organisation("Stille Kring")
    make_event(organisation=drents)
    make_event(organisation=drents)
    make_event(organisation=drents, status=Event.Status.DRAFT)
    make_event(organisation=drents, status=Event.Status.CANCELLED)
    past(make_event, organisation=drents)
    drents.logo.save("logo.png", ContentFile(b"not read by the list"), save=True)

    response = client.get("/organisaties/")

    html = response.text
    assert response.status_code == 200
    assert f'href="{drents.get_absolute_url()}"' in html
    assert f'href="{quiet.get_absolute_url()}"' in html
    assert "Samen zorgen in Drenthe." in html
    assert "2 meetings coming up" in html  # not the draft, the cancelled or the past one
    assert "No meetings planned at the moment" in html  # Stille Kring
    assert f'src="{drents.logo.url}"' in html
    assert 'href="/organisaties/starten/"' in html


def test_list_search_looks_at_name_and_description_in_any_case(client, make_organisation):
    make_organisation("Zorgvrijstaat", description="Wijkbedrijf in Rotterdam West")
    make_organisation("Noaberzorg Twente", description="Naoberzorg in het oosten")
    make_organisation("Buurtkamer")

    by_name = client.get("/organisaties/", {"q": "ZORGVRIJ"}).text
    by_description = client.get("/organisaties/", {"q": "naoberZORG"}).text

    assert "Zorgvrijstaat" in by_name and "Buurtkamer" not in by_name
    assert "Noaberzorg Twente" in by_description and "Zorgvrijstaat" not in by_description
    assert 'value="ZORGVRIJ"' in by_name
    nothing = client.get("/organisaties/", {"q": "bestaat niet"})
    assert nothing.status_code == 200
    assert "No organisations match your search." in nothing.text


def test_list_has_24_per_page_and_keeps_the_search_in_the_page_links(client, make_organisation):
    for n in range(30):
        make_organisation(f"Kring {n:02d}", description="zorgzaam dorp")

    first = client.get("/organisaties/", {"q": "zorgzaam"}).text
    second = client.get("/organisaties/", {"q": "zorgzaam", "page": "2"}).text

    assert first.count('class="card h-100 organisation-card"') == 24
    assert second.count('class="card h-100 organisation-card"') == 6
    assert "Kring 00" in first and "Kring 29" in second
    assert 'href="?q=zorgzaam&amp;page=2"' in first
    assert "30 organisations" in first


@pytest.mark.parametrize(
    "params", ["?page=abc", "?page=999999", "?page=-1", "?q=" + "x" * 5000, "?q=%01%7F"]
)
def test_list_bad_input_never_fails(client, make_organisation, params):
    make_organisation("Kring")
    assert client.get("/organisaties/" + params).status_code == 200


def test_list_queries_do_not_grow_with_organisations_or_meetings(
    client, make_organisation, make_event
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/organisaties/").status_code == 200
        return len(captured)

    make_event(organisation=make_organisation("Eerste"))
    few = queries()
    for n in range(20):
        organisation = make_organisation(f"Kring {n}")
        make_event(organisation=organisation)
        make_event(organisation=organisation)
    many = queries()

    assert few == many <= LIST_PAGE_QUERIES


# One organisation's page --------------------------------------------------------------


def test_detail_shows_about_contact_and_the_catalogue_entry(client, make_organisation):
    initiative = Initiative.objects.create(name="Zorgcoöperatie Hollandscheveld", slug="zc-hv")
    organisation = make_organisation(
        "Zorgcoöperatie",
        description="Wij zijn er voor elkaar.\n\nSinds 2010 <b>actief</b>.",
        website="https://www.zorgcooperatie.example",
        contact_email="info@zorgcooperatie.example",
        privacy_contact="Privacy: privacy@zorgcooperatie.example",
        initiative=initiative,
    )

    response = client.get(organisation.get_absolute_url())

    html = response.text
    assert response.status_code == 200
    assert "<p>Wij zijn er voor elkaar.</p>" in html
    assert "Sinds 2010 &lt;b&gt;actief&lt;/b&gt;." in html  # plain text, never HTML
    assert "<b>actief</b>" not in html
    assert 'href="https://www.zorgcooperatie.example"' in html
    assert 'href="mailto:info@zorgcooperatie.example"' in html
    assert 'href="mailto:privacy@zorgcooperatie.example"' in html
    assert f'href="{initiative.get_absolute_url()}"' in html


def test_detail_links_to_the_catalogue_entry_only_while_it_is_published(client, make_organisation):
    initiative = Initiative.objects.create(
        name="Nog niet gekeurd", slug="pending", publication=Initiative.Publication.PENDING
    )
    organisation = make_organisation("Kring", initiative=initiative)
    html = client.get(organisation.get_absolute_url()).text
    assert initiative.get_absolute_url() not in html
    assert "Nog niet gekeurd" not in html


def test_detail_shows_upcoming_and_past_meetings_but_no_drafts(
    client, organisation, make_event, make_organisation
):
    make_event(title="Komt nog", organisation=organisation)
    make_event(title="Geheim concept", organisation=organisation, status=Event.Status.DRAFT)
    past(make_event, title="Was al", organisation=organisation)
    make_event(title="Van een ander", organisation=make_organisation("Ander"))

    html = client.get(organisation.get_absolute_url()).text

    upcoming, _, rest = html.partition('id="past-title"')
    assert "Komt nog" in upcoming and "Was al" not in upcoming
    assert "Was al" in rest
    assert "Geheim concept" not in html and "Van een ander" not in html


def test_detail_without_meetings_says_so(client, organisation):
    html = client.get(organisation.get_absolute_url()).text
    assert "There are no meetings planned at the moment." in html
    assert 'id="past-title"' not in html


def test_detail_links_to_the_calendar_feed_also_as_webcal(client, organisation):
    html = client.get(organisation.get_absolute_url()).text
    assert 'href="/organisaties/buurtnetwerk/agenda.ics"' in html
    assert 'href="webcal://zorgzaam.example/organisaties/buurtnetwerk/agenda.ics"' in html


def test_detail_of_an_unknown_organisation_is_404(client, db):
    assert client.get("/organisaties/bestaat-niet/").status_code == 404


@pytest.mark.parametrize("meetings", [1, 15])
def test_detail_queries_do_not_grow_with_meetings(
    client, organisation, make_event, meetings, django_assert_max_num_queries
):
    organisation.initiative = Initiative.objects.create(name="Kring", slug="kring")
    organisation.save()
    for n in range(meetings):
        make_event(title=f"Bijeenkomst {n}", organisation=organisation)
        past(make_event, title=f"Geweest {n}", organisation=organisation)

    with django_assert_max_num_queries(DETAIL_PAGE_QUERIES):
        response = client.get(organisation.get_absolute_url())

    assert response.status_code == 200
    assert f"Bijeenkomst {meetings - 1}" in response.text
    assert f"Geweest {meetings - 1}" in response.text


# The organisation on other apps' pages ------------------------------------------------


def test_the_catalogue_entry_names_its_organisation(client, make_organisation):
    initiative = Initiative.objects.create(name="Stadsdorp Zuid", slug="stadsdorp-zuid")
    alone = Initiative.objects.create(name="Buurtkracht", slug="buurtkracht")
    organisation = make_organisation("Stadsdorp Zuid vereniging", initiative=initiative)

    html = client.get(initiative.get_absolute_url()).text
    assert "Organisation on Zorgzaam:" in html
    assert f'<a href="{organisation.get_absolute_url()}">Stadsdorp Zuid vereniging</a>' in html
    assert "Organisation on Zorgzaam:" not in client.get(alone.get_absolute_url()).text


def test_the_event_page_names_its_organisation(client, event):
    html = client.get(event.get_absolute_url()).text
    link = f'<a href="{event.organisation.get_absolute_url()}">{event.organisation.name}</a>'
    assert re.search(r"Organised by\s+" + re.escape(link), html)


# Dependencies -------------------------------------------------------------------------


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_organisations_never_import_the_meetings():
    """Meetings build on organisations; their counts come through events' template tags."""
    importing = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "organisations").rglob("*.py")
        if any(m == "events" or m.startswith("events.") for m in _imported_modules(path))
    )
    assert importing == []
