"""Turkish and Arabic for residents: the right direction, the right script, no leftovers."""

import re
from html import unescape

import pytest
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.urls import reverse

from events import services

RESIDENT_TEMPLATES = [
    "base.html",
    "events/event_detail.html",
    "events/_registration_fields.html",
    "events/_follow_form.html",
    "events/_share.html",
    "includes/_event_places.html",
    "events/registration_detail.html",
    "events/registration_confirm.html",
]


def _english_ui_strings() -> set[str]:
    found = set()
    for name in RESIDENT_TEMPLATES:
        nodelist = engines["django"].engine.get_template(name).nodelist
        for node in nodelist.get_nodes_by_type(TranslateNode):
            literal = getattr(node.filter_expression.var, "literal", None)
            if isinstance(literal, str):
                found.add(literal)
        for node in nodelist.get_nodes_by_type(BlockTranslateNode):
            found.add(node.render_token_list(node.singular)[0])
    # Whole sentences and labels of two words or more, without placeholders or markup
    return {s for s in found if len(s.split()) >= 2 and "%(" not in s and "<" not in s}


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _get(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url)


@pytest.mark.parametrize(
    ("language", "direction", "sample"),
    [("ar", "rtl", "تسجيل"), ("tr", "ltr", "Kayıt")],
)
def test_the_event_page_speaks_the_language_in_its_direction(
    client, event, language, direction, sample
):
    response = _get(client, event.get_absolute_url(), language)
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert sample in html
    rtl_css = "bootstrap.rtl.min.css" in html
    assert rtl_css == (direction == "rtl")


@pytest.mark.parametrize("language", ["ar", "tr"])
def test_no_english_ui_string_shows_on_the_event_page(client, event, language):
    text = _visible_text(_get(client, event.get_absolute_url(), language).content.decode())
    leftovers = sorted(s for s in _english_ui_strings() if s in text)
    assert not leftovers, leftovers


@pytest.mark.parametrize("language", ["ar", "tr"])
def test_no_english_ui_string_shows_on_the_ticket_page(client, event, language):
    registration = services.registration_create(
        event=event, name="Fatima", email="fatima@example.org", language=language
    ).registration
    page = _get(client, registration.get_absolute_url(), language).content.decode()
    leftovers = sorted(s for s in _english_ui_strings() if s in _visible_text(page))
    assert not leftovers, leftovers


def test_the_chooser_names_every_language_in_its_own_name_and_script(client, db):
    html = _get(client, "/", "ar").content.decode()
    for name in ("Nederlands", "English", "Türkçe"):
        assert f">{name}</button>" in html
    html = _get(client, "/", "nl").content.decode()
    assert 'lang="ar" dir="rtl">العربية</button>' in html


def test_the_choice_is_remembered_in_the_cookie(client, db):
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert response.cookies["django_language"].value == "ar"
    assert '<html lang="ar" dir="rtl">' in client.get("/").content.decode()


def test_phone_and_email_stay_left_to_right_in_arabic(client, event):
    html = _get(client, event.get_absolute_url(), "ar").content.decode()
    phone = re.search(r'<input[^>]*name="phone"[^>]*>', html).group(0)
    assert 'dir="ltr"' in phone
    assert 'type="email"' in html


def test_emails_go_out_in_the_attendees_language(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(
            event=event, name="Fatima", email="fatima@example.org", language="ar"
        )
    assert mailoutbox
    assert re.search(r"[\u0600-\u06FF]", mailoutbox[-1].subject + mailoutbox[-1].body)


@pytest.mark.parametrize("language", ["ar", "tr"])
def test_the_check_in_page_stays_as_organisers_know_it(client, event, organiser, language):
    client.force_login(organiser)
    response = _get(client, reverse("events:checkin", kwargs={"slug": event.slug}), language)
    assert response.status_code == 200
    assert '<html lang="nl" dir="ltr">' in response.content.decode()
    # English stays English for the team.
    response = _get(client, reverse("events:checkin", kwargs={"slug": event.slug}), "en")
    assert '<html lang="en" dir="ltr">' in response.content.decode()
