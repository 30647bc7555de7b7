"""Passing a meeting on: the share row, and the image link previews show."""

import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from events import og_image
from events.models import Event
from events.sharing import share_text

SHARE_ROW = re.compile(r'<section class="share-row.*?</section>', re.S)


def share_row(html: str) -> str:
    return SHARE_ROW.search(html).group(0)


def hrefs(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


# The share row ---------------------------------------------------------------------------


def test_event_page_has_a_share_row_with_the_meetings_link(client, event):
    row = share_row(client.get(event.get_absolute_url()).text)
    links = hrefs(row)
    assert any(link.startswith("https://wa.me/?text=") for link in links)
    assert any(link.startswith("mailto:?subject=") for link in links)
    assert 'value="https://zorgzaam.example/evenementen/buurt-1/"' in row
    assert "readonly" in row
    # The buttons that need JavaScript are hidden until site.js shows them.
    assert re.search(r"<li hidden data-share-copy><button type=\"button\"", row)
    assert re.search(r"<li hidden data-share-native><button type=\"button\"", row)


def test_share_links_are_encoded_whole(client, make_event):
    event = make_event(
        title="Koffie & zorg: 'samen' #1? 100% buurt",
        venue_name='Huis "De Linde"',
        venue_city="Den Haag",
    )
    links = hrefs(share_row(client.get(event.get_absolute_url()).text))
    whatsapp = next(link for link in links if link.startswith("https://wa.me/"))
    email = next(link for link in links if link.startswith("mailto:"))
    # One query parameter each, with nothing of the title leaking out of it.
    assert urlsplit(whatsapp).query.count("&") == 0 and "#" not in whatsapp
    text = parse_qs(urlsplit(whatsapp).query)["text"][0]
    assert text == share_text(event)
    assert text.splitlines()[0] == "Koffie & zorg: 'samen' #1? 100% buurt"
    assert text.splitlines()[-1] == "https://zorgzaam.example/evenementen/buurt-1/"
    assert 'Huis "De Linde", Den Haag' in text
    assert " " not in whatsapp and "+" not in whatsapp  # spaces as %20
    subject, body = email.removeprefix("mailto:?").split("&")
    assert unquote(subject.removeprefix("subject=")) == event.title
    body = unquote(body.removeprefix("body="))
    assert body == share_text(event, newline="\r\n")
    assert body.endswith("\r\nhttps://zorgzaam.example/evenementen/buurt-1/")


def test_share_text_has_the_date_in_the_visitors_language(event):
    from django.utils import translation

    with translation.override("nl"):
        dutch = share_text(event).splitlines()[1]
    with translation.override("en"):
        english = share_text(event).splitlines()[1]
    assert dutch.split(" ")[0] in (
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    )
    assert english.split(" ")[0] in (
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    )
    assert f"{timezone.localtime(event.starts_at):%H:%M}" in dutch


def test_ticket_page_shares_the_meeting_never_the_ticket(client, registration):
    page = client.get(registration.get_absolute_url())
    assert page.status_code == 200
    row = share_row(page.text)
    token = registration.management_token
    assert token not in row
    assert token not in unescape(row)
    assert "/aanmelding/" not in unescape(row)
    for link in hrefs(row):
        assert token not in unquote(link)
    assert "https://zorgzaam.example/evenementen/buurt-1/" in unquote(unescape(row))


def test_no_share_row_for_a_cancelled_or_past_meeting(client, make_event):
    cancelled = make_event(status=Event.Status.CANCELLED)
    now = timezone.now()
    past = make_event(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=2, hours=-2))
    for event in (cancelled, past):
        assert "share-row" not in client.get(event.get_absolute_url()).text


def test_pages_with_a_share_row_load_nothing_from_elsewhere(client, registration):
    for url in (registration.event.get_absolute_url(), registration.get_absolute_url()):
        html = client.get(url).text
        assert re.findall(r'<script src="([^"]+)"', html) == ["/static/js/site.js"]
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))", html)
        assert 'style="' not in share_row(html)
        for source in re.findall(r'<(?:img|link)[^>]+(?:src|href)="([^"]+)"', html):
            assert not source.startswith(("http:", "https:", "//")) or source.startswith(
                "https://zorgzaam.example/"
            ), source


# The Open Graph image --------------------------------------------------------------------


def og_url(event) -> str:
    return f"/evenementen/{event.slug}/og.png"


def png_size(content: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG"
    return image.size


def test_event_page_points_og_image_at_the_preview(client, event):
    html = client.get(event.get_absolute_url()).text
    url = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert url.startswith(f"https://zorgzaam.example{og_url(event)}?v=")
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    alt = re.search(r'<meta property="og:image:alt" content="([^"]+)">', html).group(1)
    assert event.title in alt and "Buurthuis, Ergens" in alt
    assert "qr.png" not in html.split("</head>")[0]
    response = client.get(url.removeprefix("https://zorgzaam.example"))
    assert response.status_code == 200


def test_og_image_is_a_1200_by_630_png_cached_by_etag(client, event):
    response = client.get(og_url(event))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert png_size(response.content) == (1200, 630)
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get(og_url(event), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag


def test_a_changed_title_or_date_is_a_new_image(client, event):
    first = client.get(og_url(event))
    event.title = "Een andere titel"
    event.save()
    renamed = client.get(og_url(event), headers={"If-None-Match": first["ETag"]})
    assert renamed.status_code == 200
    assert renamed["ETag"] != first["ETag"]
    assert renamed.content != first.content
    event.starts_at += timedelta(days=1)
    event.ends_at += timedelta(days=1)
    event.save()
    moved = client.get(og_url(event))
    assert moved["ETag"] not in (first["ETag"], renamed["ETag"])
    # The address in the page's meta tag changes with it, so previews are fetched anew.
    version = moved["ETag"].strip('"')[:12]
    assert f"og.png?v={version}" in client.get(event.get_absolute_url()).text


def test_draft_has_no_og_image(client, make_event):
    draft = make_event(status=Event.Status.DRAFT)
    assert client.get(og_url(draft)).status_code == 404
    assert client.get("/evenementen/bestaat-niet/og.png").status_code == 404


def test_cancelled_meeting_still_has_an_image(client, make_event):
    cancelled = make_event(status=Event.Status.CANCELLED)
    assert png_size(client.get(og_url(cancelled)).content) == (1200, 630)


@pytest.mark.parametrize(
    "title",
    [
        "Bestuurdersevent Krachtige Kernen: samen werken aan zorgzame buurten, wijken en "
        "dorpen in heel Nederland met bewoners, professionals, gemeenten en zorgverzekeraars",
        "Zorgcoöperatie" + "a" * 186,
        "لقاء الحي: نعتني ببعضنا البعض في حي كامبن مع الجيران والمتطوعين",
        "Mahalle buluşması: Işıl ve Şükrü ile çay, ğ İ ı ş",
        "Buurt\tkoffie\n\x07\x1b met 👵🏽 en 中文",
        "",
    ],
)
def test_og_image_draws_any_title(client, make_event, title):
    event = make_event(title=title, venue_name="Buurthuis Şişli " * 12, venue_city="Kampen")
    response = client.get(og_url(event))
    assert response.status_code == 200
    assert png_size(response.content) == (1200, 630)


def test_long_titles_wrap_and_end_in_an_ellipsis():
    font = og_image._font("bold", 64)
    title = " ".join(["zorgzame buurten"] * 20)
    lines, complete = og_image.wrap(title, font, og_image.TEXT_WIDTH, 3)
    assert not complete
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(font.getlength(line) <= og_image.TEXT_WIDTH for line in lines)
    short, complete = og_image.wrap("Koffie in de buurt", font, og_image.TEXT_WIDTH, 3)
    assert complete and short == ["Koffie in de buurt"]


def test_one_long_word_is_broken_where_the_line_is_full():
    font = og_image._font("bold", 64)
    lines, complete = og_image.wrap("x" * 300, font, og_image.TEXT_WIDTH, 3)
    assert not complete and len(lines) == 3
    assert all(font.getlength(line) <= og_image.TEXT_WIDTH for line in lines)


def test_without_a_system_font_pillows_own_font_stands_in(monkeypatch):
    monkeypatch.setattr(og_image, "FONT_FILES", {"bold": "nope.ttf", "regular": "nope.ttf"})
    og_image._font.cache_clear()
    try:
        png = og_image.og_image_png(
            title="لقاء Işıl Zorgcoöperatie " * 10,
            when="dinsdag",
            where="Kampen",
            organisation="Zorgvrijstaat",
            site="Zorgzaam",
            label="Afgelast",
        )
    finally:
        og_image._font.cache_clear()
    assert png_size(png) == (1200, 630)


def test_og_image_answers_only_get_and_head(event):
    browser = Client()
    assert browser.head(og_url(event)).status_code == 200
    assert browser.post(og_url(event)).status_code == 405
