"""Whatever a browser, bot or script sends to a public page, the answer is never a 5xx.

Every public form endpoint is fetched for its CSRF token and form fields and then posted
over-long, mis-encoded (declared in charsets other than UTF-8, some of which Python cannot
decode with at all; invalid UTF-8, NUL, lone surrogates) and wrong-typed values; the
public pages that read query parameters get the same. The /api/ URLs have their own fuzz
tests.
"""

import io
import re
from dataclasses import dataclass
from urllib.parse import quote_from_bytes

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events import services as event_services
from events.models import Follower
from initiatives import services as initiative_services
from initiatives.models import Initiative, InitiativeType, Municipality
from initiatives.selectors import FACET_PARAMS
from initiatives.tasks import verification_token
from initiatives.views import report_token
from tests.test_input_limits import email_of_length

FUZZ = hypothesis_settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # the same examples on every run and machine
    derandomize=True,
)

# Charsets a Content-Type can declare besides UTF-8: ones Python decodes text with, one it
# does not know, ones that are no text encoding, refuse to replace bad bytes (idna), or
# decode to NUL and lone surrogates (unicode_escape).
CHARSETS = [
    "utf-16",
    "latin-1",
    "utf-7",
    "nonexistent",
    "rot13",
    "base64",
    "idna",
    "unicode_escape",
]
# The ones Django cannot even make a request of when there is a query string (it decodes
# the query string with the charset as soon as it reads the Content-Type).
BREAK_THE_REQUEST = ["rot13", "base64", "idna"]

# Values no form expects: one over every limit the forms have, bytes that are no UTF-8,
# NUL, a lone surrogate (UTF-8 encoded and as an escape some charsets decode), numbers
# where text goes, text where numbers, dates and choices go.
AWKWARD = [
    b"",
    b" ",
    b"\x00",
    b"%00",
    b"\xed\xa0\x80",
    b"\\ud800",
    b"\\x00",
    b"\xff\xfe\xfd",
    b"\xc0\xaf",
    b"\xe9t\xe9",
    b"-1",
    b"0",
    b"99999999999999999999999",
    b"1e309",
    b"nan",
    b"2024-02-30",
    b"on",
    b"[]",
    b"None",
    b"javascript:alert(1)",
    "zorgcoöperatie".encode(),
    email_of_length(255).encode(),
    email_of_length(321).encode(),
    b"www.example.org/" + b"a" * 190,
] + [b"x" * n for n in (5, 31, 101, 121, 151, 201, 255, 256, 301, 1001, 2001, 3001, 5001)]

BYTE_VALUES = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(max_size=40).map(str.encode),
    st.binary(max_size=40),
    st.integers().map(lambda n: str(n).encode()),
)


@dataclass
class Endpoint:
    page: str  # where a visitor gets the form (and the CSRF cookie)
    action: str = ""  # where it posts to, when not the page the form is on


@pytest.fixture
def site(db, event, sessions):
    """One of everything the public pages show, and the token links to them."""
    event.max_party_size = 4
    event.save()
    user = User.objects.create_user("ans", email="ans@example.org", password="een-wachtwoord")
    initiative = Initiative.objects.create(
        name="Buurtkracht",
        slug=initiative_services.unique_slug("Buurtkracht"),
        initiative_type=InitiativeType.objects.get(slug="bewonersinitiatief"),
        municipality=Municipality.objects.get(code="GM0363"),
        publication=Initiative.Publication.PUBLISHED,
    )
    initiative_services.initiative_index(initiative=initiative)
    return {"event": event, "user": user, "initiative": initiative}


def _registration(site, suffix: str) -> Endpoint:
    """A new registration each time: cancelling or erasing one leaves nothing to fuzz."""
    event = site["event"]
    signup = event_services.registration_create(
        event=event, name="Bea", email=f"bea{event.registrations.count()}@example.org"
    )
    return Endpoint(f"{signup.registration.get_absolute_url()}{suffix}")


def _follower(site, suffix: str) -> Endpoint:
    """A new request to follow each time: stopping deletes it."""
    follower = event_services.follow_request(
        organisation=site["event"].organisation, email=f"volger{Follower.objects.count()}@e.org"
    )
    return Endpoint(f"/volgen/{follower.token}/{suffix}")


def _password_reset_confirm(site) -> Endpoint:
    user = site["user"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return Endpoint(f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/")


# Every public page that takes a POST.
ENDPOINTS = {
    "sign-up": lambda site: Endpoint(site["event"].get_absolute_url()),
    "registration change": lambda site: _registration(site, "wijzigen/"),
    "registration cancel": lambda site: _registration(site, "annuleren/"),
    "registration erase": lambda site: _registration(site, "verwijderen/"),
    "follow": lambda site: Endpoint(f"/organisaties/{site['event'].organisation.slug}/volgen/"),
    "follow confirm": lambda site: _follower(site, ""),
    "unfollow": lambda site: _follower(site, "afmelden/"),
    "initiative submission": lambda site: Endpoint("/initiatieven/aanmelden/"),
    "correction report": lambda site: Endpoint(
        site["initiative"].get_absolute_url(),
        action=f"{site['initiative'].get_absolute_url()}wijziging/",
    ),
    "still active": lambda site: Endpoint(
        f"/initiatieven/bevestigen/{verification_token(site['initiative'])}/"
    ),
    "knelpunten": lambda site: Endpoint(
        f"/initiatieven/knelpunten/melden/{report_token(site['initiative'])}/"
    ),
    "login": lambda site: Endpoint("/accounts/login/"),
    "admin login": lambda site: Endpoint("/admin/login/"),
    "password reset": lambda site: Endpoint("/accounts/password_reset/"),
    "password reset confirm": _password_reset_confirm,
    "language": lambda site: Endpoint("/", action="/i18n/setlang/"),
    "logout": lambda site: Endpoint("/", action="/accounts/logout/"),
}

_FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')


def _open(site, name: str):
    """A browser with the page open: its CSRF token, the form fields, where to post."""
    endpoint = ENDPOINTS[name](site)
    client = Client(enforce_csrf_checks=True)
    page = client.get(endpoint.page, follow=True)
    assert page.status_code == 200, (name, page.status_code)
    fields = sorted(set(_FIELD.findall(page.text)) - {"csrfmiddlewaretoken"})
    token = client.cookies["csrftoken"].value
    return client, token, fields, endpoint.action or page.request["PATH_INFO"]


def _urlencoded(pairs) -> bytes:
    return b"&".join(quote_from_bytes(key).encode() + b"=" + value for key, value in pairs)


def _multipart(pairs, boundary=b"fuzzboundary") -> bytes:
    body = b""
    for key, value in pairs:
        body += b"--" + boundary + b"\r\n"
        body += b'Content-Disposition: form-data; name="' + key + b'"\r\n\r\n' + value + b"\r\n"
    return body + b"--" + boundary + b"--\r\n"


def _post(client, url, token, pairs, *, encoding, charset, raw=False):
    """Post `pairs` (bytes) in one of the ways a body can arrive."""
    suffix = f"; charset={charset}" if charset else ""
    if encoding == "multipart":
        body = _multipart([(b"csrfmiddlewaretoken", token.encode()), *pairs])
        content_type = "multipart/form-data; boundary=fuzzboundary" + suffix
    else:
        # Percent-encoded as browsers do, or the bytes as they are (a script might).
        pairs = pairs if raw else [(k, quote_from_bytes(v).encode()) for k, v in pairs]
        body = _urlencoded([(b"csrfmiddlewaretoken", token.encode()), *pairs])
        if charset == "utf-16":
            body = body.decode("latin-1").encode("utf-16")
        content_type = "application/x-www-form-urlencoded" + suffix
    # The header carries the token too, so the view is reached when the body is garbage.
    return client.generic("POST", url, data=body, content_type=content_type, HTTP_X_CSRFTOKEN=token)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_body_declared_in_another_charset_than_utf8_is_a_friendly_400(site, name):
    client, token, fields, url = _open(site, name)
    for encoding in ("urlencoded", "multipart"):
        for charset in CHARSETS:
            pairs = [(field.encode(), b"1") for field in fields]
            response = _post(client, url, token, pairs, encoding=encoding, charset=charset)
            where = (name, encoding, charset, response.status_code)
            assert response.status_code == 400, where
            assert "400.html" in [template.name for template in response.templates], where


@pytest.mark.parametrize("name", ENDPOINTS)
def test_nul_surrogates_and_invalid_utf8_never_500(site, name):
    client, token, fields, url = _open(site, name)
    for value in (b"\x00", b"\xed\xa0\x80", b"\xff\xfe", b"%ED%A0%80", b"%00", b"%FF"):
        pairs = [(field.encode(), value) for field in fields] or [(b"x", value)]
        for encoding in ("urlencoded", "multipart"):
            for raw in (False, True):
                response = _post(client, url, token, pairs, encoding=encoding, charset="", raw=raw)
                assert response.status_code < 500, (name, value, encoding, raw)


def test_nul_in_a_form_is_refused_and_nothing_is_stored(site):
    """Form-encoded, the middleware refuses it; multipart, the form does."""
    for encoding in ("urlencoded", "multipart"):
        client, token, fields, url = _open(site, "sign-up")
        pairs = [(b"name", b"A\x00"), (b"email", b"ans@example.org"), (b"topic", b"\x00")]
        response = _post(client, url, token, pairs, encoding=encoding, charset="", raw=True)
        assert response.status_code == 400, encoding
        friendly_page = "400.html" in [template.name for template in response.templates]
        assert friendly_page == (encoding == "urlencoded")  # else the form with its errors
    assert not site["event"].registrations.filter(name__startswith="A").exists()


@pytest.mark.parametrize("name", ENDPOINTS)
@FUZZ
@given(data=st.data())
def test_public_forms_never_answer_5xx(site, name, data):
    client, token, fields, url = _open(site, name)
    names = st.one_of(
        st.sampled_from([f.encode() for f in fields] or [b"x"]), st.binary(max_size=8)
    )
    pairs = data.draw(st.lists(st.tuples(names, BYTE_VALUES), max_size=len(fields) + 4))
    # Most posts fill in every field, some twice (a list where one value is expected).
    pairs = [(field.encode(), data.draw(BYTE_VALUES)) for field in fields] + pairs
    encoding = data.draw(st.sampled_from(["urlencoded", "multipart"]))
    charset = data.draw(st.sampled_from(["", "", "utf-8", *CHARSETS]))
    raw = data.draw(st.booleans())
    response = _post(client, url, token, pairs, encoding=encoding, charset=charset, raw=raw)
    assert response.status_code < 500, (name, pairs, encoding, charset, raw)


# Public pages that read query parameters, with the parameters they read.
GET_PAGES = {
    "/initiatieven/": ["q", "page", "sort", *FACET_PARAMS],
    "/initiatieven/kaart/": ["q", "page", *FACET_PARAMS],
    "/initiatieven/kaart/punten.json": ["q", *FACET_PARAMS],
    "/initiatieven/knelpunten/": ["provincie", "gemeente", "type"],
    "/initiatieven/knelpunten/cijfers.csv": ["provincie", "gemeente", "type"],
    "/initiatieven/vergelijken/": ["i", "aanpak", "q"],
    "/initiatieven/vergelijken/overlap/": ["gemeente", "provincie"],
    "/initiatieven/export.csv": ["q", *FACET_PARAMS],
    "/initiatieven/export.json": ["q", *FACET_PARAMS],
    "/evenementen/": ["page", "q"],
    "/": ["q"],
}


# Decoding a query string as unicode_escape (before the middleware refuses the charset)
# warns about the backslashes in it.
@pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")
@pytest.mark.parametrize("path", GET_PAGES)
@FUZZ
@given(data=st.data())
def test_public_pages_never_answer_5xx_to_their_query(site, path, data):
    params = GET_PAGES[path]
    pairs = data.draw(
        st.lists(st.tuples(st.sampled_from(params), BYTE_VALUES), min_size=1, max_size=8)
    )
    query = "&".join(f"{key}={quote_from_bytes(value)}" for key, value in pairs)
    extra = {}
    # A Content-Type on a GET still sets the charset Django decodes the query string with.
    survivable = [charset for charset in CHARSETS if charset not in BREAK_THE_REQUEST]
    charset = data.draw(st.sampled_from(["", "utf-8", *survivable]))
    if charset:
        extra["CONTENT_TYPE"] = f"text/plain; charset={charset}"
    response = Client().get(f"{path}?{query}", **extra)
    assert response.status_code < 500, (path, query, charset)


def _serve(application, environ: dict) -> str:
    """One request straight through the site's WSGI application, as gunicorn sends it."""
    statuses = []
    environ = {
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(environ.pop("body", b"")),
        "wsgi.errors": io.StringIO(),
        **environ,
    }
    environ["CONTENT_LENGTH"] = str(environ["wsgi.input"].getbuffer().nbytes)
    # As Django's test client does: the test's database connection stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, lambda status, headers: statuses.append(status))
        b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return statuses[0]


@pytest.mark.parametrize("charset", BREAK_THE_REQUEST)
def test_the_site_answers_400_to_a_query_in_a_charset_that_breaks_the_request(db, charset):
    from zorgzaam.wsgi import application

    for environ in (
        {"REQUEST_METHOD": "GET", "PATH_INFO": "/initiatieven/", "QUERY_STRING": "q=zorg"},
        {"REQUEST_METHOD": "GET", "PATH_INFO": "/api/initiatieven/", "QUERY_STRING": "q=%C3%A9"},
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/initiatieven/aanmelden/",
            "QUERY_STRING": "x=" + "a" * 70,
            "body": b"name=zorg",
        },
    ):
        environ["CONTENT_TYPE"] = f"application/x-www-form-urlencoded; charset={charset}"
        assert _serve(application, environ).startswith("400"), (charset, environ)


def test_the_site_answers_400_to_too_many_query_fields_with_a_charset(db):
    """Django parses the query string as soon as a charset is declared, even UTF-8."""
    from zorgzaam.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/initiatieven/",
        "QUERY_STRING": "&".join(["q=1"] * 1001),
        "CONTENT_TYPE": "text/plain; charset=utf-8",
    }
    assert _serve(application, environ).startswith("400")


def test_the_api_answers_json_to_input_it_cannot_read(db):
    response = Client().get("/api/initiatieven/?q=zorg", CONTENT_TYPE="text/plain; charset=utf-16")
    assert response.status_code == 400 and response.json()["error"]
    response = Client().get("/api/initiatieven/", {"q": "\x00"})
    assert response.status_code == 400 and "NUL" in response.json()["error"]
