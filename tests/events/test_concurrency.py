"""Seat rules under real concurrent HTTP requests against the live server.

Runs against the configured database: a file SQLite database by default and PostgreSQL
when DATABASE_URL is set (CI runs both). Every client does what a phone does: GET the
event page for the CSRF cookie, then POST the form; all POSTs are released at once.
"""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.db import connections
from django.db.models import Sum

from events import services
from events.models import OutgoingEmail, Registration

CLIENTS = 60
CAPACITY = 10


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _client():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)


def _csrf(opener, url: str) -> str:
    page = opener.open(url, timeout=60).read().decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _post(opener, url: str, data: dict, barrier: threading.Barrier) -> int:
    barrier.wait(timeout=120)
    request = urllib.request.Request(url, data=urlencode(data).encode(), headers={"Referer": url})
    try:
        with opener.open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _run_all(jobs):
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return [future.result() for future in [pool.submit(job) for job in jobs]]


@pytest.mark.django_db(transaction=True)
def test_sign_up_rush_never_overbooks(live_server, make_event):
    event = make_event(capacity=CAPACITY)
    url = live_server.url + event.get_absolute_url()
    barrier = threading.Barrier(CLIENTS)

    def sign_up(n):
        opener = _client()
        token = _csrf(opener, url)
        data = {"csrfmiddlewaretoken": token, "name": f"Bewoner {n}", "email": f"b{n}@example.org"}
        return _post(opener, url, data, barrier)

    statuses = _run_all([lambda n=n: sign_up(n) for n in range(CLIENTS)])

    assert statuses == [302] * CLIENTS, "every sign-up is answered with its ticket, no errors"
    registrations = Registration.objects.filter(event=event)
    assert registrations.count() == CLIENTS
    confirmed = registrations.filter(status="confirmed")
    assert confirmed.aggregate(people=Sum("party_size"))["people"] == CAPACITY
    waiting = registrations.filter(status="waitlist").order_by("waitlisted_at", "pk")
    assert waiting.count() == CLIENTS - CAPACITY
    assert [r.waitlist_position() for r in waiting] == list(range(1, CLIENTS - CAPACITY + 1))


@pytest.mark.django_db(transaction=True)
def test_same_email_rush_creates_one_registration(live_server, make_event):
    event = make_event(capacity=CAPACITY)
    url = live_server.url + event.get_absolute_url()
    barrier = threading.Barrier(20)

    def sign_up(email):
        opener = _client()
        token = _csrf(opener, url)
        data = {"csrfmiddlewaretoken": token, "name": "Ans", "email": email}
        return _post(opener, url, data, barrier)

    # The same address, typed in different letter cases.
    emails = ["ans@example.org", "Ans@example.org", "ANS@Example.org", "aNs@example.ORG"] * 5
    statuses = _run_all([lambda e=e: sign_up(e) for e in emails])
    assert all(status in (200, 302) for status in statuses)
    assert statuses.count(302) == 1  # the first gets the ticket, the others "check your email"
    assert Registration.objects.filter(event=event).count() == 1
    # Each of the others had the link sent again to the address already registered.
    assert OutgoingEmail.objects.filter(kind="link_resent").count() == 19


@pytest.mark.django_db(transaction=True)
def test_cancellation_rush_promotes_exactly_the_freed_places(live_server, make_event):
    event = make_event(capacity=CAPACITY)
    confirmed = [
        services.registration_create(
            event=event, name=f"C{n}", email=f"c{n}@example.org"
        ).registration
        for n in range(CAPACITY)
    ]
    for n in range(30):
        services.registration_create(event=event, name=f"W{n}", email=f"w{n}@example.org")
    barrier = threading.Barrier(CAPACITY)

    def cancel(registration):
        opener = _client()
        url = f"{live_server.url}/aanmelding/{registration.management_token}/annuleren/"
        token = _csrf(opener, url)
        return _post(opener, url, {"csrfmiddlewaretoken": token}, barrier)

    statuses = _run_all([lambda r=r: cancel(r) for r in confirmed])

    assert statuses == [302] * CAPACITY
    people = Registration.objects.filter(event=event, status="confirmed").aggregate(
        people=Sum("party_size")
    )["people"]
    assert people == CAPACITY
    promoted = set(
        Registration.objects.filter(event=event, status="confirmed").values_list("email", flat=True)
    )
    # First come, first served: the ten who waited longest got the places.
    assert promoted == {f"w{n}@example.org" for n in range(CAPACITY)}


def _logged_in_session(user, page_url):
    """Session and CSRF cookies of a logged-in organiser's phone, as one Cookie header."""
    from django.test import Client

    django_client = Client()
    django_client.force_login(user)
    session = django_client.cookies["sessionid"].value
    request = urllib.request.Request(page_url, headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        csrf = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
    return f"sessionid={session}; csrftoken={csrf}", csrf


@pytest.mark.django_db(transaction=True)
def test_same_ticket_scanned_on_many_phones_checks_in_once(live_server, make_event):
    import json

    from django.contrib.auth.models import User

    event = make_event(capacity=CAPACITY)
    from organisations.models import Membership

    organiser = User.objects.create_user("deur", password="deur-wachtwoord-1")
    Membership.objects.create(organisation=event.organisation, user=organiser, role="door")
    ticket = services.registration_create(event=event, name="Ans", email="ans@example.org")
    code = ticket.registration.ticket_code
    page_url = f"{live_server.url}/organisatie/evenementen/{event.slug}/inchecken/"
    phones = 20
    barrier = threading.Barrier(phones)

    def scan():
        try:
            return _scan()
        finally:
            connections.close_all()  # this thread logged in through the ORM

    def _scan():
        cookie, token = _logged_in_session(organiser, page_url)
        request = urllib.request.Request(
            page_url + "scan/",
            data=urlencode({"code": code}).encode(),
            headers={
                "Cookie": cookie,
                "X-CSRFToken": token,
                "Accept": "application/json",
                "Referer": page_url,
            },
        )
        barrier.wait(timeout=120)
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())["result"]

    results = _run_all([scan] * phones)
    assert sorted(results) == ["already"] * (phones - 1) + ["ok"]
    ticket.registration.refresh_from_db()
    assert ticket.registration.checked_in_at is not None


@pytest.mark.django_db(transaction=True)
def test_rush_on_a_workshop_with_12_places_gives_exactly_12(live_server, make_event):
    """40 people at once choose the workshop with 12 places: 12 get it, 28 are told it is
    full and nothing of theirs is stored (they can choose another answer and send again)."""
    from events.models import Question, QuestionChoice

    event = make_event(capacity=100)
    question = Question.objects.create(
        event=event, label="Welke workshop?", kind="one_choice", required=True
    )
    workshop = QuestionChoice.objects.create(question=question, label="Moestuin", capacity=12)
    url = live_server.url + event.get_absolute_url()
    clients = 40
    barrier = threading.Barrier(clients)

    def sign_up(n):
        opener = _client()
        token = _csrf(opener, url)
        data = {
            "csrfmiddlewaretoken": token,
            "name": f"Bewoner {n}",
            "email": f"w{n}@example.org",
            f"question_{question.pk}": str(workshop.pk),
        }
        return _post(opener, url, data, barrier)

    statuses = _run_all([lambda n=n: sign_up(n) for n in range(clients)])
    assert sorted(statuses) == [302] * 12 + [400] * 28
    assert Registration.objects.filter(event=event).count() == 12
    assert workshop.answers.count() == 12
