"""Votes under real concurrency: many votes at once from one phone leave one vote.

Runs against the configured database: a file SQLite database by default and PostgreSQL
when DATABASE_URL is set, with real threads (each its own database connection).
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

from events import services
from events.models import LiveAnswer, LiveVote

THREADS = 16
ME = "c" * 64


def _run_all(jobs):
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return [future.result() for future in [pool.submit(job) for job in jobs]]


def _in_thread(barrier, work):
    def job():
        try:
            barrier.wait(timeout=60)
            work()
            return "ok"
        except services.LiveError as error:
            return error.code
        finally:
            connections.close_all()

    return job


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["one_choice", "choices", "points"])
def test_concurrent_votes_from_one_phone_leave_one_vote(make_event, kind):
    event = make_event()
    round_ = services.live_round_create(
        event=event, kind=kind, title="Wat eerst?", options=["A", "B", "C", "D"], points_budget=4
    )
    services.live_round_open(round=round_)
    options = list(round_.options.values_list("pk", flat=True))
    barrier = threading.Barrier(THREADS)

    def ballot(n):
        if kind == "one_choice":
            return {options[n % 4]: 1}
        if kind == "choices":
            return {options[n % 4]: 1, options[(n + 1) % 4]: 1}
        return {options[n % 4]: 4}

    results = _run_all(
        [
            _in_thread(
                barrier,
                lambda n=n: services.live_vote(round=round_, participant=ME, choices=ballot(n)),
            )
            for n in range(THREADS)
        ]
    )

    assert results == ["ok"] * THREADS
    rows = list(LiveVote.objects.filter(round=round_, participant=ME).order_by("option_id"))
    # Exactly one of the ballots survived, whole.
    assert {row.option_id: row.points for row in rows} in [ballot(n) for n in range(THREADS)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_open_answers_from_one_phone_leave_one(make_event):
    event = make_event()
    round_ = services.live_round_create(event=event, kind="open", title="Eén woord")
    services.live_round_open(round=round_)
    barrier = threading.Barrier(THREADS)
    results = _run_all(
        [
            _in_thread(
                barrier,
                lambda n=n: services.live_answer(round=round_, participant=ME, text=f"woord {n}"),
            )
            for n in range(THREADS)
        ]
    )
    assert results == ["ok"] * THREADS
    assert LiveAnswer.objects.filter(round=round_).count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_phones_voting_at_once_are_all_counted(make_event):
    event = make_event()
    round_ = services.live_round_create(
        event=event, kind="one_choice", title="Wat eerst?", options=["A", "B"]
    )
    services.live_round_open(round=round_)
    option = round_.options.first().pk
    barrier = threading.Barrier(THREADS)
    results = _run_all(
        [
            _in_thread(
                barrier,
                lambda n=n: services.live_vote(
                    round=round_, participant=f"{n:064d}", choices={option: 1}
                ),
            )
            for n in range(THREADS)
        ]
    )
    assert results == ["ok"] * THREADS
    assert LiveVote.objects.filter(round=round_).count() == THREADS


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_one_phone_sending_many_votes_at_once_over_http_leaves_one(live_server, make_event):
    """What a phone does: GET the page (cookie, CSRF), then many POSTs released at once."""
    event = make_event()
    round_ = services.live_round_create(
        event=event, kind="choices", title="Wat eerst?", options=["A", "B", "C", "D"]
    )
    services.live_round_open(round=round_)
    options = list(round_.options.values_list("pk", flat=True))
    url = live_server.url + f"/evenementen/{event.slug}/live/"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = opener.open(url, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    barrier = threading.Barrier(THREADS)

    def vote(n):
        data = [
            ("csrfmiddlewaretoken", token),
            ("action", "vote"),
            ("round", round_.pk),
            ("option", options[n % 4]),
            ("option", options[(n + 1) % 4]),
        ]
        request = urllib.request.Request(
            url, data=urlencode(data).encode(), headers={"Referer": url}
        )
        barrier.wait(timeout=120)
        try:
            with opener.open(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    statuses = _run_all([lambda n=n: vote(n) for n in range(THREADS)])

    assert statuses == [302] * THREADS
    rows = LiveVote.objects.filter(round=round_)
    assert rows.values("participant").distinct().count() == 1
    chosen = sorted(rows.values_list("option_id", flat=True))
    assert chosen in [sorted([options[n % 4], options[(n + 1) % 4]]) for n in range(4)]
