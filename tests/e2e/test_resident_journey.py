"""A resident on a phone: flyer → scan → sign up → ticket → cancel; the waiting list moves."""

import io
from datetime import time

import pytest
import zxingcpp
from PIL import Image

from events.models import ProgrammeItem, Registration

from .conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def decode_screenshot(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1, "exactly one readable QR code on screen"
    return results[0].text


@pytest.fixture
def meeting(make_event):
    event = make_event(title="Zorgzame buurt Nieuw-West", capacity=3)
    for title in ("Rol van buurtopbouwwerkers", "Eigen regie"):
        ProgrammeItem.objects.create(
            event=event, start_time=time(15, 30), title=title, kind=ProgrammeItem.Kind.BREAKOUT
        )
    return event


LABELS = {
    "nl": {
        "name": "Je naam",
        "email": "Je e-mailadres",
        "party": "Met hoeveel mensen kom je, jijzelf meegeteld?",
        "submit": "Meld mij aan",
        "registered": "Je bent aangemeld",
        "agenda": "Zet in mijn agenda",
        "cannot": "Ik kan niet komen",
        "confirm_cancel": "Ja, annuleer mijn aanmelding",
        "cancelled": "Geannuleerd",
    },
    "en": {
        "name": "Your name",
        "email": "Your email address",
        "party": "How many people are coming, including you?",
        "submit": "Sign me up",
        "registered": "You are registered",
        "agenda": "Add to my agenda",
        "cannot": "I cannot come",
        "confirm_cancel": "Yes, cancel my registration",
        "cancelled": "Cancelled",
    },
}


def _labels(language: str) -> dict[str, str]:
    """The same labels as the residents read them in Turkish or Arabic (from the catalogue)."""
    from django.utils import translation

    if language in LABELS:
        return LABELS[language]
    with translation.override(language):
        return {key: translation.gettext(text) for key, text in LABELS["en"].items()}


@pytest.mark.parametrize("language", ["nl", "en", "tr", "ar"])
def test_resident_scans_flyer_signs_up_and_cancels_on_phone(site, phone, meeting, language):
    label = _labels(language)
    if language in ("tr", "ar"):
        assert label != LABELS["en"]
    phone.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    # The printed flyer: read its QR code from the rendered page, as a phone camera would.
    phone.goto(f"{site}/evenementen/{meeting.slug}/poster/")
    qr = phone.locator(".poster-qr img")
    qr.wait_for()
    scanned_url = decode_screenshot(qr.screenshot())
    assert scanned_url == f"{site}/evenementen/{meeting.slug}/"
    screenshot(phone, f"poster-phone-{language}")

    # Scan → the meeting page, in the chosen language, with the form.
    phone.goto(scanned_url)
    assert phone.locator("h1").inner_text() == "Zorgzame buurt Nieuw-West"
    direction = phone.evaluate("document.documentElement.dir")
    assert direction == ("rtl" if language == "ar" else "ltr")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label(label["name"]).fill("Samira Bakker")
    phone.get_by_label(label["email"]).fill("samira@example.org")
    phone.get_by_label(label["party"]).select_option("2")
    phone.get_by_label("Eigen regie").check()
    screenshot(phone, f"event-form-phone-{language}")
    phone.get_by_role("button", name=label["submit"]).click()

    # One submit later: the ticket.
    phone.wait_for_url(f"{site}/aanmelding/**")
    assert phone.get_by_role("heading", name=label["registered"]).is_visible()
    assert "Eigen regie" in phone.content()
    registration = Registration.objects.get(email="samira@example.org")
    assert registration.party_size == 2
    ticket_qr = phone.locator("img.ticket-qr")
    assert decode_screenshot(ticket_qr.screenshot()) == registration.ticket_code
    screenshot(phone, f"ticket-phone-{language}")

    # The agenda file downloads.
    with phone.expect_download() as download:
        phone.get_by_role("link", name=label["agenda"]).click()
    assert download.value.suggested_filename.endswith(".ics")

    # The meeting fills up; the next resident goes on the waiting list.
    from events import services

    waiting = services.registration_create(
        event=meeting, name="Wachtende", email="wacht@example.org", party_size=2
    ).registration
    assert waiting.status == "waitlist"

    # Samira cannot come after all: she cancels and the waiting list moves.
    phone.get_by_role("link", name=label["cannot"]).click()
    phone.get_by_role("button", name=label["confirm_cancel"]).click()
    assert phone.get_by_role("heading", name=label["cancelled"]).is_visible()
    screenshot(phone, f"cancelled-phone-{language}")
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_form_errors_are_summarised_and_focused_without_losing_input(site, phone, meeting):
    label = LABELS["nl"]
    phone.goto(f"{site}/evenementen/{meeting.slug}/")
    phone.get_by_label(label["name"]).fill("Kees")
    phone.get_by_role("button", name=label["submit"]).click()
    summary = phone.locator("#error-summary")
    summary.wait_for()
    assert summary.evaluate("node => node === document.activeElement")
    assert "Je e-mailadres" in summary.inner_text()
    assert phone.get_by_label(label["name"]).input_value() == "Kees"
    assert not Registration.objects.exists()


def test_english_on_request_and_remembered(site, phone, meeting):
    phone.goto(f"{site}/evenementen/{meeting.slug}/")
    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    assert phone.get_by_role("button", name="Sign me up").is_visible()
    phone.goto(f"{site}/")
    assert phone.locator("html").get_attribute("lang") == "en"
    screenshot(phone, "home-phone-en")
