"""Uploaded images are served by the app itself, in production too, and nothing else is."""

import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "organisations").mkdir(parents=True)
    (settings.MEDIA_ROOT / "organisations" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nlogo")
    (tmp_path / "secret.txt").write_text("not for the web")
    return settings.MEDIA_ROOT


def test_an_uploaded_logo_is_served_without_debug(client, settings, media_root):
    settings.DEBUG = False
    response = client.get("/media/organisations/logo.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).endswith(b"logo")
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path", ["/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/organisations/"]
)
def test_nothing_outside_the_media_folder_and_no_listing(client, media_root, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert b"not for the web" not in response.content
