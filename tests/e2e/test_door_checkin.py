"""At the door: a phone's camera (Chromium's fake camera playing the ticket QR) checks in."""

import pytest
from django.contrib.auth.models import User
from PIL import Image

from events import services
from events.qr import qr_png
from organisations.models import Membership, Role

from .conftest import CHROMIUM, CHROMIUM_FLAGS, PHONE, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def write_y4m(png: bytes, path, *, frames: int = 20, size: int = 480) -> None:
    """A short Y4M video (what Chromium's fake camera plays) showing one still image."""
    import io

    image = Image.open(io.BytesIO(png)).convert("RGB")
    canvas = Image.new("RGB", (size, size), "white")
    image.thumbnail((size - 40, size - 40))
    canvas.paste(image, ((size - image.width) // 2, (size - image.height) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    half = (size // 2, size // 2)
    frame = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{size} H{size} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + frame)


def test_camera_scan_welcomes_then_says_already_checked_in(site, playwright, make_event, tmp_path):
    event = make_event(title="Buurtcafé", capacity=20)
    # A door volunteer of the meeting's organisation: check-in is all they may do.
    organiser = User.objects.create_user("deur", password="deur-wachtwoord-123")
    Membership.objects.create(organisation=event.organisation, user=organiser, role=Role.DOOR)
    ticket = services.registration_create(
        event=event, name="Samira Bakker", email="samira@example.org", party_size=3
    ).registration
    video = tmp_path / "ticket.y4m"
    write_y4m(qr_png(ticket.ticket_code, box_size=8), video)

    # A browser of its own: the fake camera is a launch option.
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_FLAGS
        + [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        _scan_twice(browser, site, event)
    finally:
        browser.close()
    ticket.refresh_from_db()
    assert ticket.checked_in_at is not None


def _scan_twice(browser, site, event):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    context.grant_permissions(["camera"], origin=site)
    page = context.new_page()
    page.goto(f"{site}/accounts/login/?next=/organisatie/evenementen/{event.slug}/inchecken/")
    page.get_by_label("Gebruikersnaam").fill("deur")
    page.get_by_label("Wachtwoord").fill("deur-wachtwoord-123")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/inchecken/")

    page.get_by_role("button", name="Start de camera").click()
    result = page.locator("#scan-result")
    expect(result).to_have_text("Welkom, Samira Bakker (+2)", timeout=15000)
    expect(page.locator('[data-count="checked_in"]')).to_have_text("3")
    screenshot(page, "checkin-welcome-phone")
    # The ticket stays in front of the camera: after a moment it is read again.
    expect(result).to_contain_text("Al ingecheckt om", timeout=15000)
    screenshot(page, "checkin-already-phone")
