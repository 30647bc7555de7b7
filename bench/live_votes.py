"""Live votes: a hall of phones votes on an open poll, then changes its vote at once.

    .venv/bin/python bench/live_votes.py [--phones 200] [--seconds 10] [--workers 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/live_votes.py

Starts gunicorn with production settings on a fresh SQLite file (or a fresh PostgreSQL
database `<name>_live_votes` beside the one in DATABASE_URL) and Redis as the shared cache
(`--redis`, database 14 by default, emptied first; `--redis none` for the in-process
cache), and opens a one-choice poll with four options. Each of `--phones` threads is a
phone with its own cookie jar: it loads the participants' page (the signed participant
cookie and the CSRF cookie) and then votes, the phones spread evenly over `--seconds`
seconds, as a hall votes after the question goes up. Then every phone changes its vote,
all released at the same moment. The database must then hold exactly one vote row per
phone, and the totals must equal each phone's last choice.

Rate limits: every phone comes from 127.0.0.1, so the per-address limit of the live page
(RATELIMIT_LIVE_PER_IP) is raised for this server; the per-phone limit
(RATELIMIT_LIVE_PER_PARTICIPANT, counted by the phone's cookie) stays as configured.

Targets: the votes spread over the seconds answered at p95 ≤ 200 ms; both rounds without
an error, and the database consistent. The changed votes sent in the same instant are the
worst case, reported for their rate: 200 requests at once queue for 4 workers, so their
latency is the queue (no code makes the 200th wait less than 199 votes' work / workers).
"""

import argparse
import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from common import (
    database_label,
    manage,
    percentile,
    prepare,
    production_env,
    start_gunicorn,
    stop,
    summary,
)

SLUG = "bench-live"
TARGET_P95_MS = 200
OPTIONS = ["Wonen", "Zorg", "Vervoer", "Eenzaamheid"]
# Every phone shares 127.0.0.1: the per-address limit is lifted for the benchmark server.
RATE_LIMITS = {"RATELIMIT_ENABLE": "1", "RATELIMIT_LIVE_PER_IP": "1000000/m"}


def live_env(port: int, name: str, redis: str) -> dict:
    """Production settings, a fresh database, the rate limits above, Redis emptied."""
    extra = dict(RATE_LIMITS)
    if redis != "none":
        import redis as redis_client

        redis_client.Redis.from_url(redis).flushdb()
        extra["REDIS_URL"] = redis
    return production_env(port, name, **extra)


def describe(env: dict, workers: int) -> str:
    cache = "Redis " + env["REDIS_URL"] if env.get("REDIS_URL") else "in-process memory"
    limits = ", ".join(
        f"{key}={env.get(key, 'as configured')}"
        for key in ("RATELIMIT_LIVE_PER_IP", "RATELIMIT_LIVE_PER_PARTICIPANT")
    )
    return (
        f"Database: {database_label(env)}; cache: {cache}; gunicorn {workers} workers\n"
        f"Rate limits on, all phones from 127.0.0.1 so the per-address one is raised: {limits}"
    )


def create_poll(env: dict, slug: str = SLUG) -> tuple[int, list[int]]:
    """A published meeting with an open one-choice poll: (round pk, option pks)."""
    out = manage(
        env,
        "shell",
        "-c",
        f"""
from datetime import timedelta
from django.utils import timezone
from events import services
from events.models import Event
from organisations.models import Organisation
organisation, _ = Organisation.objects.get_or_create(slug="bench", defaults={{"name": "Bench"}})
start = timezone.now() + timedelta(hours=1)
Event.objects.filter(slug="{slug}").delete()
event = Event.objects.create(slug="{slug}", title="Bestuurdersevent (benchmark)",
    summary="Benchmark", starts_at=start, ends_at=start + timedelta(hours=4), venue_name="Zaal",
    venue_city="Zwolle", status="published", organisation=organisation)
poll = services.live_round_create(event=event, kind="one_choice", title="Welk vraagstuk eerst?",
    options={OPTIONS!r})
services.live_round_open(round=poll)
print("POLL", poll.pk, *poll.options.values_list("pk", flat=True))
""",
        capture=True,
    )
    numbers = [int(n) for n in re.search(r"POLL ([\d ]+)", out).group(1).split()]
    return numbers[0], numbers[1:]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Phone:
    """One participant's phone: its own cookies, as a browser keeps them."""

    def __init__(self, base: str, slug: str = SLUG):
        self.url = f"{base}/evenementen/{slug}/live/"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        self.token = ""

    def join(self) -> None:
        """Load the participants' page: the participant cookie, the CSRF cookie and token."""
        page = self.opener.open(self.url, timeout=60).read().decode()
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        names = {cookie.name for cookie in self.jar}
        assert {"zorgzaam_live", "csrftoken"} <= names, names

    def vote(self, round_pk: int, option: int) -> int | str:
        data = {
            "csrfmiddlewaretoken": self.token,
            "action": "vote",
            "round": round_pk,
            "option": option,
        }
        request = urllib.request.Request(
            self.url, data=urlencode(data).encode(), headers={"Referer": self.url}
        )
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError as error:
            return type(error).__name__


def votes_at_once(phones, round_pk, choices, spread: float = 0.0):
    """Every phone votes for its choice: released together, then spread over `spread` s.

    Returns [(latency s, status)] and the wall time from the first send to the last answer.
    """
    barrier = threading.Barrier(len(phones))
    results = [None] * len(phones)
    started = []

    def send(n):
        barrier.wait(timeout=300)
        if n == 0:
            started.append(time.perf_counter())
        if spread:
            time.sleep(spread * n / len(phones))
        t0 = time.perf_counter()
        status = phones[n].vote(round_pk, choices[n])
        results[n] = (time.perf_counter() - t0, status, time.perf_counter())

    with ThreadPoolExecutor(max_workers=len(phones)) as pool:
        list(pool.map(send, range(len(phones))))
    wall = max(end for _, _, end in results) - started[0]
    return [(latency, status) for latency, status, _ in results], wall


def stored_votes(env: dict, round_pk: int) -> dict:
    out = manage(
        env,
        "shell",
        "-c",
        f"""
import json
from django.db.models import Count
from events.models import LiveVote
votes = LiveVote.objects.filter(round_id={round_pk})
per_phone = votes.values("participant").annotate(n=Count("pk"))
print("VOTES", json.dumps({{
    "rows": votes.count(),
    "voters": per_phone.count(),
    "most_rows_of_one_phone": max((row["n"] for row in per_phone), default=0),
    "totals": {{str(row["option_id"]): row["n"]
               for row in votes.values("option_id").annotate(n=Count("pk"))}},
}}))
""",
        capture=True,
    )
    return json.loads(re.search(r"VOTES (.*)", out).group(1))


def report(label: str, results, wall: float, *, target: bool) -> bool:
    times = [latency * 1000 for latency, _ in results]
    errors = [str(status) for _, status in results if status != 302]
    fast = percentile(times, 0.95) <= TARGET_P95_MS
    verdict = (
        f"target p95 ≤ {TARGET_P95_MS} ms: {'met' if fast else 'MISSED'}"
        if target
        else "worst case, no latency target"
    )
    print(
        f"{label}: {len(results) - len(errors)} votes in {wall:.2f}s "
        f"({(len(results) - len(errors)) / wall:.0f} votes/s); {summary(times)}; "
        f"errors: {len(errors)}{' ' + str(Counter(errors)) if errors else ''}; {verdict}"
    )
    return not errors and (fast or not target)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10, help="the first votes spread over")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="or 'none'")
    args = parser.parse_args()

    env = live_env(args.port, "live_votes", args.redis)
    print(describe(env, args.workers) + f"; {args.phones} phones")
    prepare(env)
    round_pk, options = create_poll(env)
    server = start_gunicorn(env, args.port, workers=args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        phones = [Phone(base) for _ in range(args.phones)]
        with ThreadPoolExecutor(max_workers=50) as pool:
            list(pool.map(Phone.join, phones))
        first = [options[n % len(options)] for n in range(args.phones)]
        spread_results, spread_wall = votes_at_once(phones, round_pk, first, args.seconds)
        last = [options[(n * 7 + 1) % len(options)] for n in range(args.phones)]
        burst_results, burst_wall = votes_at_once(phones, round_pk, last)
    finally:
        stop(server)

    ok_spread = report(
        f"votes spread over {args.seconds:.0f} s", spread_results, spread_wall, target=True
    )
    ok_burst = report("changed votes, all at once", burst_results, burst_wall, target=False)
    stored = stored_votes(env, round_pk)
    expected = {str(option): count for option, count in sorted(Counter(last).items())}
    consistent = (
        stored["voters"] == args.phones
        and stored["rows"] == args.phones
        and stored["most_rows_of_one_phone"] == 1
        and stored["totals"] == expected
    )
    print(
        f"in the database: {stored['voters']} voters (must be {args.phones}), "
        f"{stored['rows']} vote rows, at most {stored['most_rows_of_one_phone']} per phone "
        f"(must be 1); totals {stored['totals']} (must be each phone's last choice: "
        f"{expected}): {'consistent' if consistent else 'NOT CONSISTENT'}"
    )
    raise SystemExit(0 if ok_spread and ok_burst and consistent else 1)


if __name__ == "__main__":
    main()
