"""Every backend the README documents: SQLite by default and by URL, PostgreSQL, Redis.

Each answers or fails quickly: a silent database or cache turns into a 503 within
seconds, never a worker held until the proxy gives up.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from events.models import Registration

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _settings_in_subprocess(**env) -> dict:
    """The database settings and a live connection's pragmas, as a fresh process sees them."""
    script = (
        "import json, django; django.setup()\n"
        "from django.conf import settings; from django.db import connection\n"
        "db = settings.DATABASES['default']\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); mode = c.fetchone()[0]\n"
        "    c.execute('PRAGMA busy_timeout'); busy = c.fetchone()[0]\n"
        "print(json.dumps({'engine': db['ENGINE'], 'options': db['OPTIONS'],\n"
        "    'conn_max_age': db['CONN_MAX_AGE'], 'name': str(db['NAME']),\n"
        "    'mode': mode, 'busy': busy, 'site_url': settings.SITE_URL}))\n"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "ZORGZAAM_DATA_DIR", "PORT", "HOST", "SITE_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "zorgzaam.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sqlite_named_by_database_url_gets_the_default_setup(tmp_path):
    """sqlite:////srv/… must not fall back to Django's plain backend (no WAL, no queue)."""
    default = _settings_in_subprocess(ZORGZAAM_DATA_DIR=str(tmp_path / "default"))
    by_url = _settings_in_subprocess(
        DATABASE_URL=f"sqlite:///{tmp_path}/volume/db.sqlite3",
        ZORGZAAM_DATA_DIR=str(tmp_path / "unused"),
    )
    assert by_url["name"] == f"{tmp_path}/volume/db.sqlite3"
    for key in ("engine", "options", "conn_max_age", "mode", "busy"):
        assert by_url[key] == default[key], key
    assert by_url["engine"] == "zorgzaam.sqlite"
    assert by_url["mode"] == "wal"
    assert by_url["options"]["transaction_mode"] == "IMMEDIATE"


def test_in_memory_sqlite_url_is_refused_with_a_clear_message():
    script = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zorgzaam.settings",
            "DATABASE_URL": "sqlite://",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "name a file" in result.stderr


def test_development_site_url_follows_port_and_host(tmp_path):
    """`PORT=8123 make run` must print flyers whose QR codes point at :8123."""
    seen = _settings_in_subprocess(ZORGZAAM_DATA_DIR=str(tmp_path), PORT="8123")
    assert seen["site_url"] == "http://127.0.0.1:8123"
    seen = _settings_in_subprocess(ZORGZAAM_DATA_DIR=str(tmp_path), HOST="localhost", PORT="9000")
    assert seen["site_url"] == "http://localhost:9000"
    seen = _settings_in_subprocess(
        ZORGZAAM_DATA_DIR=str(tmp_path), PORT="8123", SITE_URL="https://zorgzaam.example"
    )
    assert seen["site_url"] == "https://zorgzaam.example"


@pytest.mark.django_db
def test_the_database_bounds_its_waits():
    """PostgreSQL: statements and lock waits end after 10 s; SQLite: writers queue 20 s."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "10s"
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "10s"
            assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 3
        else:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20000


# Redis ------------------------------------------------------------------------------------


def _redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_pages_sign_up_and_health_work_with_redis(client, settings, event):
    """REDIS_URL is a real path: the package is installed and the pages use it."""
    settings.CACHES = _redis_cache(REDIS)
    settings.RATELIMIT_ENABLE = True
    from django.core.cache import cache

    cache.clear()
    assert client.get(f"/evenementen/{event.slug}/").status_code == 200
    assert client.get("/initiatieven/").status_code == 200
    assert client.get(f"/evenementen/{event.slug}/qr.png").status_code == 200
    response = client.post(
        f"/evenementen/{event.slug}/",
        {"name": "Ans de Vries", "email": "ans@example.org", "party_size": "1"},
    )
    assert response.status_code == 302, response.content[:500]
    assert Registration.objects.filter(email="ans@example.org").exists()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["cache"] == "ok"
    assert any(key.startswith(b":1:") for key in cache._cache.get_client().keys("*"))
    cache.clear()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_answers_503_quickly_when_redis_is_down(client, settings, db):
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{_closed_port()}/0")
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json()["cache"] == "unreachable"
    assert response.json()["database"] == "ok"


class SilentServer:
    """Accepts TCP connections and never says a word: a hung database or cache."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


def test_healthz_answers_503_quickly_when_redis_is_silent(client, settings, db):
    silent = SilentServer()
    try:
        settings.CACHES = _redis_cache(f"redis://127.0.0.1:{silent.port}/0")
        started = time.monotonic()
        response = client.get("/healthz")
        assert time.monotonic() - started < 5
        assert response.status_code == 503
    finally:
        silent.close()


@pytest.fixture
def server_with_silent_database(tmp_path):
    """gunicorn with DATABASE_URL pointing at a server that accepts and never answers."""
    silent = SilentServer()
    port = _closed_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DATABASE_URL": f"postgres://zorgzaam@127.0.0.1:{silent.port}/zorgzaam",
        "ZORGZAAM_DATA_DIR": str(tmp_path),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-test-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "REDIS_URL": "",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "zorgzaam.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "30",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/static/css/site.css", timeout=1)  # noqa: S310
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=10)
    silent.close()


def _get(url: str):
    started = time.monotonic()
    try:
        response = urllib.request.urlopen(url, timeout=20)  # noqa: S310
        status, body, kind = response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        status, body, kind = error.code, error.read(), error.headers["Content-Type"]
    return status, body.decode(), kind, time.monotonic() - started


def test_a_silent_database_answers_503_pages_within_seconds(server_with_silent_database):
    base = server_with_silent_database
    status, body, kind, took = _get(base + "/healthz")
    assert status == 503 and took < 6
    assert json.loads(body)["database"] == "unreachable"

    status, body, kind, took = _get(base + "/evenementen/")
    assert status == 503 and took < 6
    assert kind.startswith("text/html") and "Probeer het" in body

    status, body, kind, took = _get(base + "/api/initiatieven/")
    assert status == 503 and took < 6
    assert kind == "application/json" and "error" in json.loads(body)

    # Two workers, each held a few seconds at most: static files are still served.
    status, body, kind, took = _get(base + "/static/css/site.css")
    assert status == 200 and took < 6


def test_pages_answer_a_friendly_503_when_redis_is_down(settings, event):
    from django.test import Client

    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{_closed_port()}/0")
    client = Client(raise_request_exception=False)
    started = time.monotonic()
    response = client.get(f"/evenementen/{event.slug}/")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Probeer het over een paar minuten opnieuw" in response.text
    api = client.get("/api/initiatieven/")
    assert api.status_code == 503 and "error" in api.json()


@pytest.mark.parametrize(
    ("error", "status"),
    [(OperationalError("canceling statement due to statement timeout"), 503), (ValueError, 500)],
)
def test_a_failing_database_is_a_503_and_a_bug_stays_a_500(event, error, status):
    """An outage (timeout, lost connection, locked) asks people to come back; a bug is a 500."""
    from django.test import Client

    def failing(execute, sql, params, many, context):
        raise error

    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(failing):
        page = client.get(f"/evenementen/{event.slug}/")
        api = client.get("/api/initiatieven/")
    assert page.status_code == status
    assert api.status_code == status and "error" in api.json()
    if status == 503:
        assert "Probeer het over een paar minuten opnieuw" in page.text
