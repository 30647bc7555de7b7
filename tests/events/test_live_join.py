"""The short way in: a meeting's six-digit code, typed at /live/ or put in the address."""

import pytest
from django.urls import reverse

from events import services
from events.models import Event

pytestmark = pytest.mark.django_db

JOIN = reverse("events:live_join")


@pytest.fixture
def coded(event):
    Event.objects.filter(pk=event.pk).update(live_code="123456")
    event.refresh_from_db()
    return event


def _live_url(event):
    return reverse("events:live", kwargs={"slug": event.slug})


def _join_code_url(code):
    return reverse("events:live_join_code", kwargs={"code": code})


def test_every_meeting_gets_a_code_of_six_digits(make_event):
    codes = {make_event().live_code for _ in range(3)}
    assert len(codes) == 3
    assert all(len(code) == 6 and code.isdigit() and code.isascii() for code in codes)


def test_the_form_works_without_javascript(client):
    page = client.get(JOIN)
    assert page.status_code == 200
    html = page.text
    assert '<form method="get" action="/live/"' in html
    assert '<label for="live-code">' in html
    assert 'name="code" id="live-code"' in html
    assert 'inputmode="numeric"' in html and 'autocomplete="off"' in html
    assert "<script" not in html
    assert "no-cache" in page["Cache-Control"]


def test_the_form_in_english(client):
    client.cookies["django_language"] = "en"
    page = client.get(JOIN)
    assert 'lang="en"' in page.text and "Meeting code" in page.text


def test_the_right_code_leads_to_the_participants_page(client, coded):
    answer = client.get(JOIN, {"code": "123456"})
    assert answer.status_code == 302 and answer["Location"] == _live_url(coded)


@pytest.mark.parametrize(
    "typed",
    [
        "123 456",
        " 123456 ",
        "123-456",
        "12 34 56",
        "123\u00a0456",  # a no-break space, as some keyboards insert
        "123 \u2013 456",  # an en dash
        "\u0661\u0662\u0663\u0664\u0665\u0666",  # Arabic-Indic digits
    ],
)
def test_spaces_and_dashes_are_ignored(client, coded, typed):
    answer = client.get(JOIN, {"code": typed})
    assert answer.status_code == 302 and answer["Location"] == _live_url(coded)


def test_an_unknown_code_shows_the_form_again_with_404(client, coded):
    client.cookies["django_language"] = "en"
    answer = client.get(JOIN, {"code": "654 321"})
    assert answer.status_code == 404
    assert 'class="live-error" role="alert"' in answer.text
    assert "No meeting has that code" in answer.text
    assert 'value="654 321"' in answer.text and 'aria-invalid="true"' in answer.text


@pytest.mark.parametrize(
    "typed", ["abcdef", "12345", "1234567", "123 45a", "x" * 5000, "١٢٣", "12.3456", "<b>1</b>"]
)
def test_a_malformed_code_is_400_with_a_message(client, coded, typed):
    answer = client.get(JOIN, {"code": typed})
    assert answer.status_code == 400
    assert 'class="live-error" role="alert"' in answer.text
    assert "<b>1</b>" not in answer.text


def test_an_empty_code_is_400_asking_for_the_digits(client):
    answer = client.get(JOIN, {"code": "  "})
    assert answer.status_code == 400 and 'class="live-error"' in answer.text


def test_a_code_given_twice_is_400(client, coded):
    assert client.get(f"{JOIN}?code=123456&code=123456").status_code == 400


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CANCELLED])
def test_only_published_meetings_are_found(client, make_event, status):
    hidden = make_event(status=status)
    assert client.get(JOIN, {"code": hidden.live_code}).status_code == 404
    assert client.get(_join_code_url(hidden.live_code)).status_code == 404


def test_the_code_in_the_address_redirects(client, coded):
    for code in ("123456", "123 456", "123-456"):
        answer = client.get(_join_code_url(code))
        assert answer.status_code == 302 and answer["Location"] == _live_url(coded)


def test_the_code_in_the_address_unknown_or_malformed(client, coded):
    unknown = client.get(_join_code_url("000001"))
    assert unknown.status_code == 404 and 'class="live-error"' in unknown.text
    assert client.get(_join_code_url("abc")).status_code == 400
    assert client.get(_join_code_url("1" * 300)).status_code == 400


@pytest.mark.parametrize("path", [f"{JOIN}?code=%00", f"{JOIN}?code=%ED%A0%80", "/live/%00/"])
def test_unstorable_input_is_4xx_never_500(client, path):
    assert 400 <= client.get(path).status_code < 500


def test_posting_to_the_form_is_refused(client, coded):
    assert client.post(JOIN, {"code": "123456"}).status_code == 405


# Where the code is shown


def test_the_projector_shows_the_code_and_where_to_type_it(client, coded, registration):
    coded.organisation.contact_email = "team@example.org"
    coded.organisation.save()
    page = client.get(reverse("events:live_screen", kwargs={"slug": coded.slug})).text
    assert '<strong dir="ltr">zorgzaam.example/live</strong>' in page
    assert '<strong class="live-code" dir="ltr">123\u00a0456</strong>' in page
    assert "@" not in page.replace("@media", "")


def test_the_organisers_page_shows_the_code(client, coded, organiser):
    client.force_login(organiser)
    page = client.get(reverse("events:live_manage", kwargs={"slug": coded.slug})).text
    assert "zorgzaam.example/live" in page
    assert '<strong class="live-code" dir="ltr">123\u00a0456</strong>' in page


def test_the_code_shown_leads_to_the_open_round(client, coded):
    poll = services.live_round_create(
        event=coded, kind="one_choice", title="Welk vraagstuk?", options=["Wonen", "Zorg"]
    )
    services.live_round_open(round=poll)
    page = client.get(JOIN, {"code": "123 456"}, follow=True)
    assert page.status_code == 200 and "Welk vraagstuk?" in page.text
