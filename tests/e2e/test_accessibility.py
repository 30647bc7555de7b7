"""WCAG 2.1 AA with axe-core, and valid HTML with the Nu Html Checker, on every page.

Both tools come from npm (package.json; `make test` installs them into node_modules).
"""

import gzip
import json
import os
import shutil
import subprocess
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from events import services
from events.models import Event, Follower, Registration, Series
from initiatives import services as initiative_services
from initiatives.models import Initiative, InitiativeType, Municipality
from organisations import services as team_services
from organisations.models import Membership, Role
from zorgzaam.roles import COORDINATORS

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _require(path: Path, what: str):
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{what} missing at {path}: run `npm ci`")
        pytest.skip(f"{what} not installed (run `npm ci`): skipped")


@pytest.fixture
def demo(site):
    call_command("seed_demo", verbosity=0)
    organiser = User.objects.create_user("a11y", password="a11y-wachtwoord-123")
    event = Event.objects.get(slug="bestuurdersevent-krachtige-kernen")
    Membership.objects.create(organisation=event.organisation, user=organiser, role=Role.OWNER)
    vraagstuk = event.questions.get()  # seed_demo's required choice of a vraagstuk
    registration = services.registration_create(
        event=event,
        name="Fatima El Amrani",
        email="fatima@example.org",
        party_size=2,
        answers=[services.AnswerValue(vraagstuk, choices=[vraagstuk.choices.first()])],
    ).registration
    coordinator = User.objects.create_user("a11y-coordinator", password="a11y-wachtwoord-456")
    coordinator.groups.add(Group.objects.get(name=COORDINATORS))
    submission = initiative_services.initiative_submit(
        name="Voorzorgcirkel De Linde",
        initiative_type=InitiativeType.objects.get(slug="voorzorgcirkel"),
        municipality=Municipality.objects.get(slug="assen"),
        place="Assen",
        summary="Twaalf buren letten op elkaar.",
        submitter_name="Hennie Hofstee",
        submitter_email="hennie@example.org",
    )
    invitation = team_services.invitation_create(
        organisation=event.organisation,
        email="nieuw-lid@example.org",
        role=Role.ORGANISER,
        invited_by=organiser,
    )
    door_link = services.door_link_create(event=event, label="Hoofdingang", user=organiser)
    follower = services.follow_request(organisation=event.organisation, email="volger@example.org")
    series = Series.objects.get(slug="bezoeken-zorgzame-buurten")
    # The series pages are an organiser's of the series' organisation.
    Membership.objects.create(organisation=series.organisation, user=organiser, role=Role.ORGANISER)
    series_follower = services.follow_confirm(
        token=services.follow_request(
            organisation=series.organisation, series=series, email="reeks@example.org"
        ).token
    )
    expired_follower = services.follow_request(
        organisation=event.organisation, email="te-laat@example.org"
    )
    Follower.objects.filter(pk=expired_follower.pk).update(
        created_at=expired_follower.created_at - Follower.CONFIRM_WITHIN - timedelta(hours=1)
    )
    withdrawn = services.door_link_create(event=event, label="Zij-ingang", user=organiser)
    services.door_link_revoke(link=withdrawn, user=organiser)
    team_services.request_submit(
        organisation_name="Buurtkamer De Linde",
        name="Hennie Hofstee",
        email="hennie@example.org",
        purpose="Koffieochtenden en een voorzorgcirkel in onze straat.",
        language="nl",
    )
    report, opt_out = _report(demo_initiative=Initiative.objects.get(slug="het-8ste-werk"))
    return {
        "event": event,
        "report": report,
        "opt_out": opt_out,
        "registration": registration,
        "organiser": organiser,
        "coordinator": coordinator,
        "submission": submission,
        "invitation": invitation,
        "door_link": door_link,
        "follower": follower,
        "series": series,
        "series_follower": series_follower,
        "expired_follower": expired_follower,
        "withdrawn_door_link": withdrawn,
    }


def _report(demo_initiative):
    """A published report of the past Kampen visit with every part: text with a link, a
    video, a frozen poll, chosen questions, agreements (one naming an initiative), a photo."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from PIL import Image

    from events.models import Report
    from events.services.report import opt_out_url

    kampen = Event.objects.get(slug="aftrap-het-8ste-werk-kampen")
    poll = services.live_round_create(
        event=kampen, kind="points", title="Wat pakken we op?", options=["Wonen", "Zorg"]
    )
    services.live_round_open(round=poll)
    services.live_vote(round=poll, participant="a" * 64, choices={poll.options.first().pk: 7})
    services.live_round_close(round=poll)
    wall = services.live_round_create(event=kampen, kind="questions", title="Vragen uit de zaal")
    services.live_round_open(round=wall)
    question = services.live_question_ask(round=wall, participant="b" * 64, text="Wie doet mee?")
    services.live_round_close(round=wall)
    report = services.report_for(event=kampen)
    services.report_update(
        report=report,
        summary="Een goed gesprek.\n\nMeer op https://example.org/kampen",
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    services.report_outcome_freeze(report=report, round=poll)
    services.report_outcome_freeze(report=report, round=wall, chosen=[question.pk])
    services.agreement_create(
        report=report, what="Samen verder in Rotterdam", initiative=demo_initiative
    )
    services.agreement_create(
        report=report, what="Een buurtapp opzetten", who="Buurtteam", due_on=date(2020, 1, 1)
    )
    buffer = BytesIO()
    Image.new("RGB", (320, 200), (30, 110, 80)).save(buffer, format="JPEG")
    services.report_photo_add(
        report=report, image=ContentFile(buffer.getvalue(), "zaal.jpg"), alt_text="De zaal"
    )
    # Published without the attendee email (that path is tested elsewhere).
    Report.objects.filter(pk=report.pk).update(published_at=timezone.now())
    registration = services.registration_create(
        event=Event.objects.get(slug="meetup-zorgvrijstaat"), name="Ans", email="ans@example.org"
    ).registration
    return report, opt_out_url(registration).removeprefix(settings.SITE_URL)


def public_pages(demo) -> list[str]:
    event = demo["event"]
    token = demo["registration"].management_token
    published = Initiative.objects.filter(is_published=True).order_by("pk")
    initiative = published.first()
    two = "&".join(f"i={slug}" for slug in published.values_list("slug", flat=True)[:2])
    province = initiative.municipality.province.slug
    pages = [
        "/",
        "/evenementen/",
        f"/evenementen/{event.slug}/",
        "/evenementen/meetup-zorgvrijstaat/",
        "/evenementen/meetup-zorgvrijstaat/widget/",  # the sign-up widget, as framed
        f"/evenementen/{event.slug}/widget/",  # with the meeting's own question
        f"/evenementen/{event.slug}/poster/",
        f"/evenementen/{event.slug}/live/",  # seed_demo's open poll
        f"/evenementen/{event.slug}/live/scherm/",
        "/live/",  # the short way in: type the meeting's code
        f"/evenementen/{demo['report'].event.slug}/verslag/",  # every part of a report
        "/initiatieven/het-8ste-werk/",  # with the report's agreement
        demo["opt_out"],  # no more reports: asks to confirm
        f"/aanmelding/{token}/",
        f"/aanmelding/{token}/wijzigen/",
        f"/aanmelding/{token}/annuleren/",
        f"/aanmelding/{token}/verwijderen/",
        "/initiatieven/",
        "/initiatieven/?q=zorg",
        f"/initiatieven/{initiative.slug}/",
        "/initiatieven/aanmelden/",
        "/initiatieven/kaart/",
        "/initiatieven/knelpunten/",
        f"/initiatieven/vergelijken/?{two}",
        f"/initiatieven/vergelijken/overlap/?provincie={province}",
        "/privacy/",
        "/toegankelijkheid/",
        "/accounts/login/",
        "/accounts/password_reset/",
        "/organisaties/",
        "/organisaties/?q=zorg",
        f"/organisaties/{event.organisation.slug}/",
        "/organisaties/zorgvrijstaat/",
        "/organisaties/starten/",
        f"/organisaties/{event.organisation.slug}/volgen/",
        "/reeksen/bezoeken-zorgzame-buurten/",
        "/reeksen/bezoeken-zorgzame-buurten/volgen/",
        f"/volgen/{demo['follower'].token}/",  # asks to confirm
        f"/volgen/{demo['follower'].token}/afmelden/",
        f"/volgen/{demo['series_follower'].token}/",  # confirmed already
        f"/volgen/{demo['series_follower'].token}/afmelden/",
        f"/uitnodiging/{demo['invitation'].token}/",
        f"/deur/{demo['door_link'].token}/",
        f"/deur/{demo['door_link'].token}/?q=Fatima",
        "/bestaat-niet/",
    ]
    return pages


# Pages that answer with an error status on purpose (the page itself must still pass).
def error_pages(demo) -> list[str]:
    return [
        f"/deur/{demo['withdrawn_door_link'].token}/",
        f"/volgen/{'x' * 43}/",
        f"/volgen/{demo['expired_follower'].token}/",
        "/live/?code=12",  # a code too short: the form again, with its message (400)
    ]


def organiser_pages(demo) -> list[str]:
    base = f"/organisatie/evenementen/{demo['event'].slug}/"
    pk = demo["registration"].pk
    return [
        "/organisatie/",
        "/organisatie/evenementen/nieuw/",
        base,
        base + "bewerken/",
        base + "deelnemers/",
        base + "deelnemers/toevoegen/",
        base + f"deelnemers/{pk}/",
        base + "inchecken/",
        base + "bericht/",
        base + "inzicht/",
        base + "kopieren/",
        base + "annuleren/",
        base + "vragen/",
        base + "vragen/nieuw/",
        base + "live/",
        base + "verslag/",  # a report not written yet, an open round
        f"/organisatie/evenementen/{demo['report'].event.slug}/verslag/",  # every part
        base + f"vragen/{demo['event'].questions.first().pk}/",
        base + f"vragen/{demo['event'].questions.first().pk}/verwijderen/",
        *series_pages(demo),
        f"/organisatie/organisaties/{demo['event'].organisation.slug}/",
        f"/organisatie/organisaties/{demo['event'].organisation.slug}/bewerken/",
        "/accounts/profiel/",
    ]


def series_pages(demo) -> list[str]:
    """The organisers' series pages."""
    series = demo["series"]
    base = f"/organisatie/organisaties/{series.organisation.slug}/reeksen/"
    return [
        base,
        base + f"{series.slug}/",
        # An organisation without a series yet.
        f"/organisatie/organisaties/{demo['event'].organisation.slug}/reeksen/",
    ]


def follow_pages_after_posting(page, site, demo, viewport) -> dict[str, list[str]]:
    """The follow form with its errors, and the pages its buttons lead to."""
    failures = {}
    width = viewport["width"]
    follow = f"{site}/organisaties/{demo['event'].organisation.slug}/volgen/"
    page.goto(follow)
    page.locator("#follow_email").fill("geen-adres")
    page.locator("form.follow-form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    if violations := axe_violations(page):
        failures[f"{width} follow form with errors"] = violations
    page.locator("#follow_email").fill(f"nieuw-{width}@example.org")
    page.locator("form.follow-form button[type=submit]").click()
    page.wait_for_load_state()
    if violations := axe_violations(page):
        failures[f"{width} follow: check your email"] = violations
    # Confirming and stopping, each with a follower of its own (stopping deletes it).
    follower = services.follow_request(
        organisation=demo["series"].organisation,
        series=demo["series"],
        email=f"stopt-{width}-{page.evaluate('document.documentElement.lang')}@example.org",
    )
    page.goto(f"{site}/volgen/{follower.token}/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if violations := axe_violations(page):
        failures[f"{width} follow confirmed"] = violations
    page.goto(f"{site}/volgen/{follower.token}/afmelden/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if violations := axe_violations(page):
        failures[f"{width} follow stopped"] = violations
    return failures


def series_form_with_errors(page, site, path) -> None:
    page.goto(site + path)
    page.locator("#id_title").fill("")
    page.locator("form.organiser-form button[type=submit]").click()
    page.wait_for_selector("#error-summary")


def coordinator_pages(demo) -> list[str]:
    submission = demo["submission"].pk
    published = Initiative.objects.filter(is_published=True).order_by("pk").first().pk
    return [
        "/initiatieven/moderatie/",
        f"/initiatieven/moderatie/{submission}/",  # a pending submission: the decide forms
        f"/initiatieven/moderatie/{published}/",
        "/initiatieven/import/",
        f"/initiatieven/moderatie/{published}/knelpunten/",
        "/organisatie/aanvragen/",
    ]


def log_in(page, site, username="a11y", password="a11y-wachtwoord-123"):
    page.goto(f"{site}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{site}/")


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
    ]


def set_language(page, site, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])


@pytest.mark.parametrize("language", ["nl", "en", "tr", "ar"])
def test_every_page_passes_axe(site, browser, demo, language):
    _require(AXE, "axe-core")
    failures = {}
    for viewport in (PHONE, DESKTOP):
        # axe is injected as a script of the test's own; the page's CSP would block it.
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        page = context.new_page()
        set_language(page, site, language)
        paths = public_pages(demo) + error_pages(demo)
        for path in paths:
            page.goto(site + path)
            if violations := axe_violations(page):
                failures[f"{viewport['width']} {path}"] = violations
        # Forms showing their errors.
        page.goto(f"{site}/evenementen/{demo['event'].slug}/")
        page.locator("form.registration-form button[type=submit]").click()
        page.wait_for_selector("#error-summary")
        if violations := axe_violations(page):
            failures[f"{viewport['width']} registration form with errors"] = violations
        failures |= follow_pages_after_posting(page, site, demo, viewport)
        log_in(page, site)
        set_language(page, site, language)
        for path in organiser_pages(demo):
            page.goto(site + path)
            if violations := axe_violations(page):
                failures[f"{viewport['width']} {path}"] = violations
        for path in series_pages(demo)[:2]:
            series_form_with_errors(page, site, path)
            if violations := axe_violations(page):
                failures[f"{viewport['width']} {path} with errors"] = violations
        page.context.clear_cookies()
        log_in(page, site, "a11y-coordinator", "a11y-wachtwoord-456")
        set_language(page, site, language)
        for path in coordinator_pages(demo):
            assert page.goto(site + path).ok, path
            if violations := axe_violations(page):
                failures[f"{viewport['width']} {path}"] = violations
        context.close()
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)


def test_every_page_is_valid_html(site, demo, tmp_path):
    _require(VNU, "vnu-jar")
    if not shutil.which("java"):
        if os.environ.get("CI"):
            pytest.fail("java not found: CI must validate the HTML")
        pytest.skip("java not found: HTML validation skipped")
    from django.test import Client

    organiser_client = Client()
    organiser_client.force_login(demo["organiser"])
    files = []
    for n, path in enumerate(public_pages(demo)):
        with urllib.request.urlopen(site + path) if path != "/bestaat-niet/" else _404(site) as r:
            html = r.read()
        files.append((path, tmp_path / f"public-{n}.html", html))
    # Every resident page in English, Turkish and Arabic too (right to left).
    for language in ("en", "tr", "ar"):
        resident = Client()
        resident.cookies["django_language"] = language
        for n, path in enumerate(public_pages(demo) + error_pages(demo)):
            files.append(
                (
                    f"{language} {path}",
                    tmp_path / f"{language}-{n}.html",
                    resident.get(path).content,
                )
            )
    for n, path in enumerate(error_pages(demo)):
        files.append((path, tmp_path / f"error-{n}.html", Client().get(path).content))
    for n, path in enumerate(organiser_pages(demo)):
        files.append((path, tmp_path / f"organiser-{n}.html", organiser_client.get(path).content))
    for n, (path, data, client) in enumerate(posted_pages(demo, organiser_client)):
        response = client.post(path, data)
        assert response.status_code in (200, 400), (path, response.status_code)
        files.append((f"POST {path}", tmp_path / f"posted-{n}.html", response.content))
    coordinator_client = Client()
    coordinator_client.force_login(demo["coordinator"])
    for n, path in enumerate(coordinator_pages(demo)):
        response = coordinator_client.get(path)
        assert response.status_code == 200, path
        files.append((path, tmp_path / f"coordinator-{n}.html", response.content))
    for _path, file, html in files:
        file.write_bytes(html)
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            *[str(f) for _, f, _ in files],
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    by_file = {str(f): p for p, f, _ in files}
    errors = []
    for message in messages:
        if message.get("type") == "error":
            page = by_file.get(message["url"].removeprefix("file:"), message["url"])
            errors.append(f"{page}:{message.get('lastLine')}: {message['message']}")
    assert not errors, "\n".join(errors)


def posted_pages(demo, organiser_client):
    """Pages that answer a POST: forms with their errors, and what a button leads to."""
    from django.test import Client

    follow = f"/organisaties/{demo['event'].organisation.slug}/volgen/"
    series = demo["series"]
    leaving = services.follow_request(
        organisation=series.organisation, series=series, email="weg@example.org"
    )
    series_list, series_form = series_pages(demo)[:2]
    return [
        (follow, {"email": "geen-adres"}, Client()),
        (follow, {"email": "nieuw@example.org"}, Client()),
        (f"/volgen/{leaving.token}/", {}, Client()),
        (f"/volgen/{leaving.token}/afmelden/", {"List-Unsubscribe": "One-Click"}, Client()),
        (series_list, {"title": ""}, organiser_client),
        (series_form, {"title": "", "slug": "Geen slug!"}, organiser_client),
    ]


class _404:
    """urlopen raises on a 404; the friendly error page must validate too."""

    def __init__(self, site):
        self.site = site

    def __enter__(self):
        try:
            urllib.request.urlopen(self.site + "/bestaat-niet/")
        except urllib.error.HTTPError as error:
            return error
        raise AssertionError("expected a 404")

    def __exit__(self, *exc):
        return False


def test_registration_form_by_keyboard_only(site, phone, demo):
    page = phone
    page.goto(f"{site}/evenementen/meetup-zorgvrijstaat/")
    page.locator("#id_name").focus()
    page.keyboard.type("Kees Jansen")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.keyboard.type("geen-email")
    # Submit with Enter from the email field.
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    # Focus is visible: the outline of the focused element is drawn.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.locator("#id_email").fill("kees@example.org")
    page.locator("form.registration-form button[type=submit]").press("Enter")
    page.wait_for_url(f"{site}/aanmelding/**")
    assert Registration.objects.filter(email="kees@example.org").exists()


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_registration_page_reflows_at_320px_and_200_percent_text(site, browser, demo, language):
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    page = context.new_page()
    page.goto(f"{site}/evenementen/meetup-zorgvrijstaat/")
    page.add_style_tag(content="html { font-size: 200% !important; }")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"horizontal scrolling of {overflow}px at 320 CSS px and 200% text"
    context.close()


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_event_page_is_light_and_first_party_only(site, browser, demo, language):
    """At most 150 KB on first load, all assets included, and nothing from other sites.

    The test server sends files uncompressed; in production whitenoise sends them gzipped
    (or smaller, with brotli), so each response is counted at its gzip size plus headers.
    In Arabic the page has its right-to-left stylesheet instead.
    """
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{site}/evenementen/meetup-zorgvrijstaat/", wait_until="networkidle")
    hosts = {urllib.parse.urlsplit(r.url).netloc for r in responses}
    assert hosts == {urllib.parse.urlsplit(site).netloc}, hosts
    total = 0
    for response in responses:
        body = response.body()
        total += len(gzip.compress(body)) + sum(
            len(k) + len(v) + 4 for k, v in response.headers.items()
        )
    context.close()
    assert len(responses) >= 3  # the page, its stylesheets and script
    assert total <= 150 * 1024, f"{total / 1024:.0f} KB transferred"
