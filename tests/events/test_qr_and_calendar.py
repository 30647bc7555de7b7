import io
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import zxingcpp
from icalendar import Calendar
from PIL import Image, ImageDraw

from events.models import Registration

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def decode_png(content: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))
    assert len(results) == 1, "expected exactly one QR code"
    return results[0].text


def rasterise_svg_path(svg: bytes, scale: int = 8) -> Image.Image:
    """Render the QR code's SVG: a white background and one path of absolute squares."""
    root = ET.fromstring(svg)
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    image = Image.new("L", (int(width * scale), int(height * scale)), 255)
    draw = ImageDraw.Draw(image)
    paths = list(root.iter("{http://www.w3.org/2000/svg}path"))
    assert len(paths) == 1
    squares = re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+z", paths[0].get("d"))
    assert squares, "the path draws the QR modules"
    for x1, y1, x2, y2 in squares:
        box = [float(x1) * scale, float(y1) * scale, float(x2) * scale - 1, float(y2) * scale - 1]
        draw.rectangle(box, fill=0)
    return image


def test_event_qr_png_decodes_to_event_url(client, event):
    response = client.get(f"/evenementen/{event.slug}/qr.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=86400" in response["Cache-Control"]
    assert decode_png(response.content) == f"https://zorgzaam.example/evenementen/{event.slug}/"


def test_event_qr_png_sizes_and_bad_size(client, event):
    small = client.get(f"/evenementen/{event.slug}/qr.png?size=s")
    large = client.get(f"/evenementen/{event.slug}/qr.png?size=l")
    assert Image.open(io.BytesIO(small.content)).width < Image.open(io.BytesIO(large.content)).width
    assert decode_png(large.content).endswith(f"/evenementen/{event.slug}/")
    assert client.get(f"/evenementen/{event.slug}/qr.png?size=huge").status_code == 400


def test_event_qr_svg_rendered_decodes_to_event_url(client, event):
    response = client.get(f"/evenementen/{event.slug}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    image = rasterise_svg_path(response.content)
    text = zxingcpp.read_barcodes(image)[0].text
    assert text == f"https://zorgzaam.example/evenementen/{event.slug}/"


def test_qr_second_request_is_not_modified(client, event):
    first = client.get(f"/evenementen/{event.slug}/qr.svg")
    again = client.get(f"/evenementen/{event.slug}/qr.svg", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_poster_shows_url_and_the_qr_that_decodes(client, event):
    response = client.get(f"/evenementen/{event.slug}/poster/")
    assert response.status_code == 200
    html = response.text
    assert f"https://zorgzaam.example/evenementen/{event.slug}/" in html
    assert "Gratis, maar meld je wel aan" in html
    qr_src = re.search(r'<img src="([^"]+qr\.svg)"', html).group(1)
    image = rasterise_svg_path(client.get(qr_src).content)
    assert zxingcpp.read_barcodes(image)[0].text == event.absolute_url


def test_ticket_qr_decodes_to_ticket_code_not_token(client, event):
    response = client.post(event.get_absolute_url(), {"name": "Ans", "email": "ans@example.org"})
    registration = Registration.objects.get()
    qr = client.get(response["Location"] + "qr.png")
    assert qr.status_code == 200
    decoded = decode_png(qr.content)
    assert decoded == registration.ticket_code
    assert registration.management_token not in decoded


def test_event_ics_has_amsterdam_start_and_end(client, make_event):
    start = datetime(2027, 10, 1, 14, 0, tzinfo=AMSTERDAM)
    event = make_event(starts_at=start, ends_at=start.replace(hour=17), capacity=None)
    response = client.get(f"/evenementen/{event.slug}/agenda.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    vevent = next(iter(calendar.walk("VEVENT")))
    dtstart = vevent.decoded("dtstart")
    dtend = vevent.decoded("dtend")
    assert dtstart == start and dtend == start.replace(hour=17)
    assert str(dtstart.tzinfo) == "Europe/Amsterdam"
    assert vevent["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert calendar.walk("VTIMEZONE"), "the time zone is described in the file"
    assert "Dorpsstraat 1" in str(vevent["location"])


def test_registration_ics(client, event):
    response = client.post(event.get_absolute_url(), {"name": "Ans", "email": "ans@example.org"})
    ics = client.get(response["Location"] + "agenda.ics")
    vevent = next(iter(Calendar.from_ical(ics.content).walk("VEVENT")))
    assert vevent.decoded("dtstart") == event.starts_at
