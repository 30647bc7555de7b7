"""The sign-up widget framed by another website, and the share row, in a real browser."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from events.models import Registration
from events.sharing import widget_snippet

from .conftest import DESKTOP
from .test_accessibility import AXE, _require, axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def other_website():
    """A website of its own (another host than the live server's): serves `page["html"]`."""
    page = {"html": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = page["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    page["origin"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield page
    server.shutdown()
    server.server_close()


def embedding_page(event) -> str:
    return (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Buurtsite</title>'
        f"</head><body><h1>Onze bijeenkomst</h1>{widget_snippet(event)}</body></html>"
    )


@pytest.fixture
def visitor(browser):
    """A browser with the site's policies in force (no bypass_csp: frame-ancestors counts)."""
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    yield context
    context.close()


def test_widget_framed_by_a_listed_website_signs_up_in_a_new_tab(
    site, visitor, other_website, make_organisation, make_event
):
    organisation = make_organisation("Zorgvrijstaat", slug="zorgvrijstaat")
    organisation.embed_origins = other_website["origin"]
    organisation.save()
    event = make_event(title="Meet-up Zorgvrijstaat", capacity=20, organisation=organisation)
    other_website["html"] = embedding_page(event)

    page = visitor.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(other_website["origin"] + "/")
    frame = page.frame_locator("iframe")
    frame.locator("#id_name").fill("Kees Jansen")
    frame.locator("#id_email").fill("kees@example.org")
    with visitor.expect_page() as opened:
        frame.locator("form.registration-form button[type=submit]").click()
    ticket = opened.value
    ticket.wait_for_url(f"{site}/aanmelding/**")
    registration = Registration.objects.get(email="kees@example.org")
    assert ticket.url == f"{site}{registration.get_absolute_url()}"
    assert registration.event == event
    # The widget stays where it was, ready for the next person.
    assert frame.locator("#id_name").is_visible()
    expect(frame.locator("form.registration-form button[type=submit]")).to_be_enabled(timeout=6000)
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_widget_framed_by_a_website_not_listed_stays_empty(
    site, visitor, other_website, make_organisation, make_event
):
    organisation = make_organisation("Zorgvrijstaat", slug="zorgvrijstaat")
    organisation.embed_origins = "https://zorgvrijstaat.example"
    organisation.save()
    event = make_event(capacity=20, organisation=organisation)
    other_website["html"] = embedding_page(event)

    page = visitor.new_page()
    page.goto(other_website["origin"] + "/", wait_until="load")
    frame = next(f for f in page.frames if f != page.main_frame)
    assert not frame.url.startswith(site)  # the browser refused to show it
    assert page.frame_locator("iframe").locator("form").count() == 0


def test_widget_errors_in_the_new_tab_pass_axe(site, browser, other_website, make_event):
    _require(AXE, "axe-core")
    event = make_event(capacity=20)
    event.organisation.embed_origins = other_website["origin"]
    event.organisation.save()
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{site}/evenementen/{event.slug}/widget/")
    assert not axe_violations(page)
    page.locator("#id_name").fill("Kees")
    page.locator("#id_email").fill("kees@buurt")  # the browser's check lets it through
    with context.expect_page() as opened:
        page.locator("form.registration-form button[type=submit]").click()
    errors = opened.value
    errors.wait_for_selector("#error-summary")
    assert errors.evaluate("document.activeElement.id") == "error-summary"
    assert not axe_violations(errors)
    context.close()


def test_share_row_copies_the_link_and_works_without_javascript(site, browser, make_event):
    event = make_event(capacity=20)
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    page.goto(f"{site}{event.get_absolute_url()}")
    row = page.locator("section.share-row")
    copy = row.locator("[data-share-copy] button")
    expect(copy).to_be_visible()
    has_share = page.evaluate("typeof navigator.share === 'function'")
    expect(row.locator("[data-share-native] button")).to_be_visible(visible=has_share)
    copy.click()
    expect(row.locator("[data-share-status]")).not_to_be_empty()
    assert page.evaluate("navigator.clipboard.readText()") == event.absolute_url
    context.close()

    without_script = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = without_script.new_page()
    page.goto(f"{site}{event.get_absolute_url()}")
    row = page.locator("section.share-row")
    expect(row.locator("[data-share-copy] button")).to_be_hidden()
    expect(row.locator("[data-share-native] button")).to_be_hidden()
    expect(row.locator("input[data-share-link]")).to_have_value(event.absolute_url)
    expect(row.get_by_role("link")).to_have_count(2)
    without_script.close()
