"""One invitation link, many taps at once: one membership, the others told it was used.

Real HTTP requests against the live server, all released at once by a barrier, on the
configured database (a file SQLite database by default, PostgreSQL with DATABASE_URL).
Every client does what a phone does: GET the page for the CSRF cookie, then POST.
"""

import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client

from organisations import services
from organisations.models import AuditEntry, Invitation, Membership, Organisation, Role

CLIENTS = 10
PASSWORD = "een-lang-wachtwoord-7"
USED = "This invitation has already been used."


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open_page(url: str, cookie: str) -> tuple[str, str]:
    """GET the page: the cookies to send back (with the CSRF cookie) and the form's token."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        page = response.read().decode()
        set_cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
    csrf_cookie = re.search(r"csrftoken=([^;]+)", set_cookies).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return f"{cookie}; csrftoken={csrf_cookie}", token


def _post(url: str, cookie: str, data: dict, barrier: threading.Barrier) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=urlencode(data).encode(), headers={"Cookie": cookie, "Referer": url}
    )
    opener = urllib.request.build_opener(_NoRedirect)
    barrier.wait(timeout=120)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _run_all(jobs):
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return [future.result() for future in [pool.submit(job) for job in jobs]]


def _invitation(email: str) -> Invitation:
    organisation = Organisation.objects.create(name="Buurtnetwerk Ergens", slug="buurtnetwerk")
    return services.invitation_create(
        organisation=organisation, email=email, role=Role.ORGANISER, invited_by=None
    )


@pytest.mark.django_db(transaction=True)
def test_one_user_accepting_on_many_phones_joins_once(live_server):
    invitation = _invitation("nina@example.org")
    nina = User.objects.create_user("nina", email="nina@example.org", password=PASSWORD)
    url = live_server.url + invitation.get_absolute_url()
    # Every phone its own logged-in session, made here before the threads start.
    sessions = []
    for _ in range(CLIENTS):
        django_client = Client()
        django_client.force_login(nina)
        sessions.append(django_client.cookies["sessionid"].value)
    barrier = threading.Barrier(CLIENTS)

    def accept(session):
        cookie, token = _open_page(url, f"django_language=en; sessionid={session}")
        return _post(url, cookie, {"csrfmiddlewaretoken": token, "action": "accept"}, barrier)

    results = _run_all([lambda s=s: accept(s) for s in sessions])

    statuses = sorted(status for status, _body in results)
    assert statuses == [302] + [410] * (CLIENTS - 1)
    assert all(USED in body for status, body in results if status != 302)
    assert Membership.objects.filter(user=nina).count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.JOINED).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_by == nina


@pytest.mark.django_db(transaction=True)
def test_many_new_accounts_with_one_link_make_one_account(live_server):
    invitation = _invitation("nina@example.org")
    url = live_server.url + invitation.get_absolute_url()
    barrier = threading.Barrier(CLIENTS)

    def make_account(n):
        cookie, token = _open_page(url, "django_language=en")
        data = {
            "csrfmiddlewaretoken": token,
            "action": "create",
            "name": f"Nina {n}",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        return _post(url, cookie, data, barrier)

    results = _run_all([lambda n=n: make_account(n) for n in range(CLIENTS)])

    statuses = sorted(status for status, _body in results)
    assert statuses == [302] + [410] * (CLIENTS - 1)
    assert all(USED in body for status, body in results if status != 302)
    user = User.objects.get()
    assert user.username == "nina@example.org"
    assert Membership.objects.filter(user=user, role=Role.ORGANISER).count() == 1
    assert Membership.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.JOINED).count() == 1
