import sqlite3

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.models import Registration
from organisations.models import Membership

PAGES = ["/", "/evenementen/", "/privacy/", "/accounts/login/", "/initiatieven/"]


@pytest.fixture
def rate_limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_main_pages(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp, directive
    assert "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_event_and_ticket_pages_have_csp(client, event):
    response = client.post(event.get_absolute_url(), {"name": "Ans", "email": "ans@example.org"})
    for page in (event.get_absolute_url(), response["Location"]):
        assert "script-src 'self'" in client.get(page)["Content-Security-Policy"]


def test_sign_up_rate_limited_per_address(client, make_event, rate_limits_on, settings):
    settings.RATELIMIT_SIGNUP_PER_IP = "3/h"  # an hour: no window boundary mid-test
    event = make_event(capacity=None)
    statuses = [
        client.post(
            event.get_absolute_url(), {"name": "X", "email": f"x{n}@example.org"}
        ).status_code
        for n in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert Registration.objects.count() == 3
    page = client.post(event.get_absolute_url(), {"name": "X", "email": "y@example.org"})
    assert "Wacht even" in page.text


def test_sign_up_rate_limited_per_email(client, make_event, rate_limits_on, settings):
    settings.RATELIMIT_SIGNUP_PER_EMAIL = "2/h"
    event = make_event(capacity=None)
    for _attempt in range(2):
        client.post(event.get_absolute_url(), {"name": "X", "email": "same@example.org"})
    other_phone = type(client)(REMOTE_ADDR="10.1.2.3")
    response = other_phone.post(
        event.get_absolute_url(), {"name": "X", "email": "SAME@example.org"}
    )
    assert response.status_code == 429


def test_honeypot_stops_bots(client, event):
    response = client.post(
        event.get_absolute_url(),
        {"name": "Bot", "email": "bot@example.org", "homepage": "http://spam.example"},
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_login_lockout_with_cool_off(client, db, settings):
    User.objects.create_user("organisator", password="het-goede-wachtwoord")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "organisator", "password": "fout"})
    locked = client.post(
        "/accounts/login/", {"username": "organisator", "password": "het-goede-wachtwoord"}
    )
    assert locked.status_code == 429
    assert "15 minuten" in locked.text
    # Another user from the same address is not locked out.
    User.objects.create_user("ander", password="nog-een-wachtwoord")
    other = client.post("/accounts/login/", {"username": "ander", "password": "nog-een-wachtwoord"})
    assert other.status_code == 302
    from axes.utils import reset

    reset(username="organisator")  # what the cool-off does after 15 minutes
    again = client.post(
        "/accounts/login/", {"username": "organisator", "password": "het-goede-wachtwoord"}
    )
    assert again.status_code == 302


def test_healthz_reports_database_and_worker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok" and data["database"] == "ok"
    assert "last_task_finished" in data["worker"]


@pytest.mark.django_db(transaction=True)
def test_backup_makes_a_consistent_copy(tmp_path, event):
    if connection.vendor != "sqlite":
        with pytest.raises(Exception, match="pg_dump"):
            call_command("backup", str(tmp_path / "x.sqlite3"))
        return
    target = tmp_path / "copy.sqlite3"
    call_command("backup", str(target), verbosity=0)
    copy = sqlite3.connect(target)
    titles = [row[0] for row in copy.execute("SELECT title FROM events_event")]
    copy.close()
    assert titles == [event.title]


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.text(max_size=400),
    email=st.one_of(st.emails(), st.text(max_size=300)),
    party=st.one_of(st.integers(-5, 50).map(str), st.text(max_size=5)),
    topic=st.text(max_size=3000),
)
@example(name="\x00", email="a@example.org", party="1", topic="\x00")
def test_registration_form_never_500(client, make_event, name, email, party, topic):
    event = make_event(capacity=5, slug="fuzz")
    before = Registration.objects.count()
    response = client.post(
        event.get_absolute_url(),
        {"name": name, "email": email, "party_size": party, "topic": topic},
    )
    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:
        assert Registration.objects.count() == before
    Registration.objects.all().delete()
    event.delete()


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(code=st.text(max_size=500))
@example(code="\x00")
@example(code="abc\x00def")
def test_scan_endpoint_never_500(client, event, code):
    user, _ = User.objects.get_or_create(username="scanner")
    Membership.objects.get_or_create(organisation=event.organisation, user=user, role="door")
    client.force_login(user)
    response = client.post(f"/organisatie/evenementen/{event.slug}/inchecken/scan/", {"code": code})
    assert response.status_code == 200
    assert response.json()["result"] == "unknown"


def test_initiative_submission_honeypot_and_rate_limit(client, db, rate_limits_on, settings):
    from initiatives.models import Initiative

    settings.RATELIMIT_FORM_PER_IP = "2/h"  # an hour: no window boundary mid-test
    before = Initiative.objects.count()
    data = {
        "name": "Zorgcoöperatie Proef",
        "initiative_type": "zorgcooperatie",
        "municipality": "GM0363",
        "summary": "Bewoners helpen elkaar.",
        "submitter_email": "indiener@example.org",
        "homepage": "http://spam.example",
    }
    bot = client.post("/initiatieven/aanmelden/", data)
    assert bot.status_code == 400
    assert Initiative.objects.count() == before
    statuses = [client.post("/initiatieven/aanmelden/", data).status_code for _ in range(2)]
    assert statuses[-1] == 429


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.text(max_size=300),
    facet=st.text(max_size=50),
    page=st.text(max_size=10),
)
@example(q="\x00", facet="\x00", page="\x00")
@example(q="coöperatie", facet="zorgcooperatie", page="-1")
def test_catalogue_api_and_compare_never_500(client, db, q, facet, page):
    for path in ("/initiatieven/", "/api/initiatieven/", "/api/initiatieven/hsds/"):
        response = client.get(path, {"q": q, "type": facet, "provincie": facet, "page": page})
        assert response.status_code in (200, 400, 404), (path, response.status_code)
    compare = client.get("/initiatieven/vergelijken/", {"i": [q, facet], "aanpak": facet})
    assert compare.status_code in (200, 400, 404)
    monitor = client.get("/initiatieven/knelpunten/", {"provincie": facet, "type": q})
    assert monitor.status_code in (200, 400)


@pytest.mark.parametrize(
    "website", ["javascript:alert(1)", "ftp://example.org/", "data:text/html,x"]
)
def test_initiative_website_must_be_a_web_address(client, db, website):
    from initiatives.models import Initiative

    before = Initiative.objects.count()
    response = client.post(
        "/initiatieven/aanmelden/",
        {
            "name": "Zorgcoöperatie Proef",
            "initiative_type": "zorgcooperatie",
            "municipality": "GM0363",
            "summary": "Bewoners helpen elkaar.",
            "submitter_email": "indiener@example.org",
            "website": website,
        },
    )
    assert response.status_code == 400
    assert Initiative.objects.count() == before
