"""The sign-up widget: who may frame it, and signing up through it from another website."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.models import Event, Question, Registration
from events.views.widget import SIGNED_FORM_FIELD, SIGNED_FORM_SALT
from organisations.models import Role

ORIGINS = ["https://zorgvrijstaat.example", "https://wijk.example:8443"]


def csp_directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )


def widget_url(event) -> str:
    return f"/evenementen/{event.slug}/widget/"


def signed_form(html: str) -> str:
    return re.search(rf'name="{SIGNED_FORM_FIELD}" value="([^"]+)"', html).group(1)


@pytest.fixture
def embedded(make_organisation, make_event):
    """A meeting of an organisation that lists two websites to show its forms on."""
    organisation = make_organisation("Zorgvrijstaat", slug="zorgvrijstaat")
    organisation.embed_origins = "\n".join(ORIGINS)
    organisation.save()
    return make_event(capacity=10, organisation=organisation)


@pytest.fixture
def english():
    """A browser with English chosen (texts not yet in the Dutch catalogue read the same)."""
    browser = Client()
    browser.cookies["django_language"] = "en"
    return browser


def open_widget(event, browser=None):
    """The widget as an iframe on another site loads it: no cookies, CSRF enforced."""
    browser = browser or Client(enforce_csrf_checks=True)
    page = browser.get(widget_url(event))
    assert page.status_code == 200
    return browser, signed_form(page.text)


def sign_up(browser, event, token, *, headers=None, **fields):
    data = {"name": "Ans de Vries", "email": "ans@example.org", SIGNED_FORM_FIELD: token}
    data.update(fields)
    return browser.post(widget_url(event), data, headers=headers or {})


# Who may frame it ------------------------------------------------------------------------


def test_widget_may_be_framed_by_exactly_the_listed_origins(client, embedded):
    response = client.get(widget_url(embedded))
    assert response.status_code == 200
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == " ".join(ORIGINS)
    assert "X-Frame-Options" not in response
    # The rest of the strict policy stays as it is.
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_meetings_own_page_stays_unframeable(client, embedded):
    response = client.get(embedded.get_absolute_url())
    assert csp_directives(response)["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_widget_of_an_organisation_without_websites_cannot_be_framed(client, event, embedded):
    assert event.organisation.embed_origins == ""
    response = client.get(widget_url(event))
    assert response.status_code == 200
    assert csp_directives(response)["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_the_widget_leads_to_cannot_be_framed(embedded):
    browser, token = open_widget(embedded)
    ticket = sign_up(browser, embedded, token)
    assert ticket.status_code == 302
    assert csp_directives(ticket)["frame-ancestors"] == "'none'"
    page = Client().get(ticket["Location"])
    assert csp_directives(page)["frame-ancestors"] == "'none'"
    assert page["X-Frame-Options"] == "DENY"


def test_only_well_formed_origins_reach_the_header(client, embedded):
    # Written past the organisation's form (the admin, a script): never into the header.
    organisation = embedded.organisation
    organisation.embed_origins = (
        "https://goed.example\nhttps://kwaad.example; script-src *\n*\n"
        "javascript:alert(1)\nhttp://open.example\nhttps://pad.example/pagina"
    )
    organisation.save()
    response = client.get(widget_url(embedded))
    assert csp_directives(response)["frame-ancestors"] == "https://goed.example"
    assert csp_directives(response)["script-src"] == "'self'"


def test_only_unsafe_origins_listed_means_not_framed(client, embedded):
    embedded.organisation.embed_origins = "https://kwaad.example 'unsafe-inline'"
    embedded.organisation.save()
    response = client.get(widget_url(embedded))
    assert csp_directives(response)["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


# What it shows ---------------------------------------------------------------------------


def test_widget_is_the_form_alone_and_opens_the_ticket_in_a_new_tab(english, embedded):
    html = english.get(widget_url(embedded)).text
    assert 'class="site-nav"' not in html and "<footer" not in html
    form = re.search(r"<form [^>]*>", html).group(0)
    assert f'action="{widget_url(embedded)}"' in form
    assert 'target="_blank"' in form
    assert '<base target="_blank">' in html  # its links leave the frame too
    assert 'name="name"' in html and 'name="email"' in html and 'name="homepage"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "Your ticket opens in a new window." in html
    assert embedded.title in html
    # Nothing from elsewhere, no inline script or style.
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/js/site.js"]
    assert "<style" not in html and "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_widget_sets_no_cookie(embedded):
    response = Client(enforce_csrf_checks=True).get(widget_url(embedded))
    assert not response.cookies


def test_draft_has_no_widget(client, make_event):
    draft = make_event(status=Event.Status.DRAFT)
    assert client.get(widget_url(draft)).status_code == 404
    assert client.post(widget_url(draft), {"name": "X"}).status_code == 404
    assert client.get("/evenementen/bestaat-niet/widget/").status_code == 404


# Signing up through it -------------------------------------------------------------------


def test_sign_up_from_a_cross_site_iframe_works_without_cookies(embedded):
    # The iframe's GET and the form's POST share no cookie (third-party context, then a
    # cross-site POST navigation), and Django's CSRF check is enforced.
    _, token = open_widget(embedded)
    stranger = Client(enforce_csrf_checks=True)
    response = sign_up(stranger, embedded, token)
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/aanmelding/{registration.management_token}/"
    assert registration.event == embedded
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.name == "Ans de Vries"


def test_sign_up_with_our_own_origin_header(embedded):
    browser, token = open_widget(embedded)
    response = sign_up(browser, embedded, token, headers={"Origin": "https://zorgzaam.example"})
    assert response.status_code == 302
    assert Registration.objects.count() == 1


def test_post_sent_from_another_website_is_refused(english, embedded):
    _, token = open_widget(embedded)
    response = sign_up(
        english, embedded, token, headers={"Origin": "https://zorgvrijstaat.example"}
    )
    assert response.status_code == 400
    assert "This form can only be sent from the sign-up form itself." in response.text
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "",
        "nep",
        "1:1qwerty:abcdefghijklmnop",
        signing.dumps(1, salt="een ander formulier"),
        "x" * 5000,
    ],
)
def test_forged_form_token_is_refused_with_a_clear_message(english, embedded, token):
    response = sign_up(english, embedded, token)
    assert response.status_code == 400
    assert "This form could not be checked. Please send it again." in response.text
    assert not Registration.objects.exists()


def test_token_of_another_meeting_is_refused(english, embedded, make_event):
    other = make_event(organisation=embedded.organisation)
    _, token = open_widget(other)
    response = sign_up(english, embedded, token)
    assert response.status_code == 400
    assert "could not be checked" in response.text
    assert not Registration.objects.exists()


def test_missing_token_is_refused(english, embedded):
    response = english.post(widget_url(embedded), {"name": "Ans", "email": "ans@example.org"})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_expired_form_asks_to_send_again_and_keeps_what_was_typed(english, embedded):
    long_ago = timezone.now() - timedelta(days=2)
    with mock.patch("django.core.signing.time.time", return_value=long_ago.timestamp()):
        old_token = signing.dumps(embedded.pk, salt=SIGNED_FORM_SALT)
    response = sign_up(english, embedded, old_token, name="Ans Expired")
    assert response.status_code == 400
    assert "This form was open for a long time." in response.text
    assert 'value="Ans Expired"' in response.text
    assert not Registration.objects.exists()
    # The form shown again carries a fresh token: sending it now works.
    fresh = signed_form(response.text)
    assert fresh != old_token
    assert sign_up(english, embedded, fresh).status_code == 302


def test_validation_errors_show_in_the_widget(english, embedded):
    _, token = open_widget(embedded)
    response = sign_up(english, embedded, token, name="", email="geen-adres")
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "email"}
    assert 'id="error-summary"' in response.text
    assert 'class="site-nav"' not in response.text
    # Shown again in the tab the form opened: it posts there now, no new tab.
    form = re.search(r"<form [^>]*>", response.text).group(0)
    assert 'target="_blank"' not in form
    assert '<base target="_blank">' not in response.text
    assert csp_directives(response)["frame-ancestors"] == " ".join(ORIGINS)
    assert not Registration.objects.exists()


def test_honeypot_stops_bots_in_the_widget(embedded):
    browser, token = open_widget(embedded)
    response = sign_up(browser, embedded, token, homepage="http://spam.example")
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_the_meetings_questions_count_in_the_widget(english, embedded):
    question = Question.objects.create(
        event=embedded, label="Welk vraagstuk?", kind=Question.Kind.SHORT_TEXT, required=True
    )
    _, token = open_widget(embedded)
    response = sign_up(english, embedded, token)
    assert response.status_code == 400
    assert f"question_{question.pk}" in response.context["form"].errors
    answered = sign_up(english, embedded, token, **{f"question_{question.pk}": "Eenzaamheid"})
    assert answered.status_code == 302


def test_full_meeting_offers_the_waiting_list(english, make_event, embedded):
    full = make_event(capacity=1, organisation=embedded.organisation)
    Registration.objects.create(
        event=full, name="Eerste", email="eerste@example.org", status="confirmed"
    )
    page = english.get(widget_url(full))
    assert "The meeting is full. If you sign up, you go on the waiting list." in page.text
    assert "Put me on the waiting list" in page.text
    response = sign_up(english, full, signed_form(page.text))
    assert response.status_code == 302
    assert Registration.objects.get(email="ans@example.org").status == "waitlist"


def test_closed_meeting_shows_the_same_message_as_its_page(english, make_event, embedded):
    closed = make_event(
        organisation=embedded.organisation,
        registration_closes_at=timezone.now() - timedelta(hours=1),
    )
    page = english.get(widget_url(closed))
    assert "Registration for this meeting is closed." in page.text
    assert "<form" not in page.text
    response = english.post(widget_url(closed), {"name": "Ans", "email": "ans@example.org"})
    assert response.status_code == 200
    assert "Registration for this meeting is closed." in response.text
    assert not Registration.objects.exists()


def test_cancelled_meeting_says_so(english, make_event, embedded):
    cancelled = make_event(organisation=embedded.organisation, status=Event.Status.CANCELLED)
    page = english.get(widget_url(cancelled))
    assert "This meeting has been cancelled." in page.text
    assert "<form" not in page.text


def test_signing_up_again_reveals_nothing_about_the_address(embedded):
    browser, token = open_widget(embedded)
    sign_up(browser, embedded, token)
    again = sign_up(Client(), embedded, token)
    assert again.status_code == 200
    assert Registration.objects.count() == 1
    assert "/aanmelding/" not in again.text  # "check your email", not the ticket's link


def test_widget_and_event_page_share_the_sign_up_rate_limit(embedded, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_SIGNUP_PER_IP = "3/h"
    cache.clear()
    browser, token = open_widget(embedded)
    page = Client()
    statuses = [
        page.post(embedded.get_absolute_url(), {"name": "X", "email": "a@example.org"}).status_code,
        page.post(embedded.get_absolute_url(), {"name": "X", "email": "b@example.org"}).status_code,
        sign_up(browser, embedded, token, email="c@example.org").status_code,
        sign_up(browser, embedded, token, email="d@example.org").status_code,
    ]
    assert statuses == [302, 302, 302, 429]
    assert Registration.objects.count() == 3


FUZZ = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
    derandomize=True,
)
FIELDS = ["name", "email", "party_size", "phone", "background", "topic", SIGNED_FORM_FIELD]


@FUZZ
@given(values=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=300), max_size=7))
def test_whatever_is_posted_the_widget_never_fails(embedded, values):
    response = Client(enforce_csrf_checks=True).post(widget_url(embedded), values)
    assert response.status_code < 500
    assert response.status_code in (200, 302, 400)


# The organiser's page --------------------------------------------------------------------


def test_organiser_page_shows_the_snippet_and_the_websites(
    client, make_user, make_member, embedded
):
    owner = make_user("eigenaar")
    make_member(owner, embedded.organisation, Role.OWNER)
    client.cookies["django_language"] = "en"
    client.force_login(owner)
    html = client.get(f"/organisatie/evenementen/{embedded.slug}/").text
    snippet = (
        "&lt;iframe src=&quot;https://zorgzaam.example/evenementen/"
        f"{embedded.slug}/widget/&quot; title=&quot;Sign up: {embedded.title}&quot;"
    )
    assert snippet in html
    assert "These websites may show the form:" in html
    for origin in ORIGINS:
        assert f"<code>{origin}</code>" in html
    assert f'href="/organisatie/organisaties/{embedded.organisation.slug}/bewerken/"' in html


def test_organiser_page_says_when_no_website_is_listed(client, organiser, event):
    client.cookies["django_language"] = "en"
    client.force_login(organiser)  # an organiser, not an owner: cannot list them
    html = client.get(f"/organisatie/evenementen/{event.slug}/").text
    assert "No websites are listed yet, so no website can show the form." in html
    assert f"{event.slug}/widget/" in html
    assert "/bewerken/" not in html.split('id="embed"')[1].split("</section>")[0]
    assert "The owners of Buurtnetwerk Ergens list the websites in its details." in html


def test_snippet_escapes_the_title(client, make_user, make_member, make_event):
    event = make_event(title='Koffie & "zorg" <samen>')
    owner = make_user("eigenaar")
    make_member(owner, event.organisation, Role.OWNER)
    client.force_login(owner)
    html = client.get(f"/organisatie/evenementen/{event.slug}/").text
    assert "Koffie &amp;amp; &amp;quot;zorg&amp;quot; &amp;lt;samen&amp;gt;" in html
