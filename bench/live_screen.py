"""The projector under load: hundreds of screens and phones poll its partial while votes arrive.

    .venv/bin/python bench/live_screen.py [--watchers 200] [--seconds 20] [--rate 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/live_screen.py

First in-process, with production settings (DEBUG off, cached templates) and a fresh
database per size (SQLite file, or PostgreSQL `<name>_live_q<size>` beside the one in
DATABASE_URL): a meeting with an open poll of `--sizes` votes and one with a question wall
of that many questions (three upvotes each): SQL queries and median server time of the
projector's partial as served from the cache, and right after a change (the screen
version bumped). The query count must be the same at every size.

Then over HTTP, against gunicorn with production settings on a fresh database of its own
(`<name>_live_screen`) and Redis as the shared cache (`--redis`, database 15 by default,
emptied first; `--redis none` for the in-process cache): `--watchers` threads each GET
the partial every `--interval` seconds, as htmx does, for `--seconds` seconds, while
`--voters` phones (each its own cookies) send `--rate` votes per second in all, changing
their votes. Target: median of the partial at most 100 ms. Afterwards the partial must
show exactly the voters in the database, and one more vote on the very next request.

Rate limits as in bench/live_votes.py: on, with the per-address limit raised (every phone
comes from 127.0.0.1).
"""

import argparse
import json
import random
import re
import statistics
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from common import in_process_child, prepare, start_gunicorn, stop, summary
from live_votes import SLUG, Phone, create_poll, describe, live_env, stored_votes

TARGET_MEDIAN_MS = 100
VOTERS = re.compile(r"(\d+) (?:stemmen|stem|votes|vote)\b")


# In-process: the queries of one partial request


def populate(size: int) -> dict[str, str]:
    """A meeting with a poll of `size` votes, one with a wall of `size` questions."""
    from datetime import timedelta

    from django.utils import timezone

    from events import services
    from events.models import Event, LiveQuestion, LiveUpvote, LiveVote
    from organisations.models import Organisation

    organisation = Organisation.objects.create(slug="bench", name="Bench")
    start = timezone.now() + timedelta(hours=1)
    paths = {}
    for slug, kind in (("bench-poll", "one_choice"), ("bench-wall", "questions")):
        event = Event.objects.create(
            slug=slug,
            title="Bestuurdersevent (benchmark)",
            summary="Benchmark",
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            venue_name="Zaal",
            venue_city="Zwolle",
            status="published",
            organisation=organisation,
        )
        round_ = services.live_round_create(
            event=event, kind=kind, title="Benchmark", options=["A", "B", "C", "D"]
        )
        services.live_round_open(round=round_)
        if kind == "questions":
            questions = LiveQuestion.objects.bulk_create(
                LiveQuestion(round=round_, participant=f"{n:064d}", text=f"Vraag {n}")
                for n in range(size)
            )
            LiveUpvote.objects.bulk_create(
                LiveUpvote(question=question, participant=f"{m:064d}")
                for question in questions
                for m in range(3)
            )
        else:
            options = list(round_.options.values_list("pk", flat=True))
            LiveVote.objects.bulk_create(
                LiveVote(round=round_, option_id=options[n % 4], participant=f"{n:064d}")
                for n in range(size)
            )
        paths[f"{kind} ({event.pk})"] = f"/evenementen/{slug}/live/scherm/stand/"
    return paths


def measure(size: int, repeat: int) -> dict:
    """Runs in a child process with its own database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from events.models import Event
    from events.services.live import live_screen_changed

    call_command("migrate", verbosity=0)
    paths = populate(size)
    client = Client()
    results = {}
    for label, path in paths.items():
        event_id = int(label.split("(")[1].rstrip(")"))
        label = label.split(" (")[0]
        assert client.get(path).status_code == 200  # warm up: templates, connection

        def queries(path=path) -> int:
            statements = []

            # Counted as the database is asked (the test client resets Django's own log).
            def count(run, sql, *args):
                statements.append(sql)
                return run(sql, *args)

            with connection.execute_wrapper(count):
                assert client.get(path).status_code == 200
            return len(statements)

        live_screen_changed(event_id=event_id)
        cold_queries, hot_queries = queries(), queries()
        cold, hot = [], []
        for _ in range(repeat):
            live_screen_changed(event_id=event_id)  # as right after a vote
            started = time.perf_counter()
            client.get(path)
            cold.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.get(path)
            hot.append((time.perf_counter() - started) * 1000)
        results[label] = {
            "cached_queries": hot_queries,
            "uncached_queries": cold_queries,
            "cached_ms": statistics.median(hot),
            "uncached_ms": statistics.median(cold),
        }
    assert Event.objects.count() == 2
    return results


def queries(count: int) -> str:
    return f"{count} quer{'y' if count == 1 else 'ies'}"


def query_counts(sizes: list[int], repeat: int) -> bool:
    runs = {size: in_process_child(__file__, size, repeat, f"live_q{size}") for size in sizes}
    ok = True
    for label in runs[sizes[0]]:
        parts = [
            f"{size}: from the cache {queries(runs[size][label]['cached_queries'])} "
            f"({runs[size][label]['cached_ms']:.1f} ms), right after a change "
            f"{queries(runs[size][label]['uncached_queries'])} "
            f"({runs[size][label]['uncached_ms']:.1f} ms)"
            for size in sizes
        ]
        counts = {
            (runs[size][label]["cached_queries"], runs[size][label]["uncached_queries"])
            for size in sizes
        }
        same = len(counts) == 1
        name = "poll, votes" if label == "one_choice" else "question wall, questions"
        print(f"partial, {name} " + "; ".join(parts) + f"; same queries: {same}")
        ok = ok and same
    return ok


# Over HTTP: watchers poll while votes arrive


def poll_partial(url: str) -> tuple[float, str]:
    request = urllib.request.Request(url, headers={"HX-Request": "true"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read().decode()
    return time.perf_counter() - t0, body


def watch(url: str, watchers: int, seconds: float, interval: float):
    """Each watcher polls every `interval` s (from a random offset); returns latencies."""
    times, failures = [], []
    lock = threading.Lock()
    start = time.perf_counter() + 0.5
    end = start + seconds

    def watcher(n):
        tick = start + random.uniform(0, interval)
        while tick < end:
            time.sleep(max(0.0, tick - time.perf_counter()))
            try:
                latency, _ = poll_partial(url)
                with lock:
                    times.append(latency * 1000)
            except OSError as error:
                with lock:
                    failures.append(type(error).__name__)
            tick += interval

    with ThreadPoolExecutor(max_workers=watchers) as pool:
        list(pool.map(watcher, range(watchers)))
    return times, failures


def vote_steadily(phones, round_pk, options, rate: float, seconds: float):
    """`rate` votes per second for `seconds` seconds, the phones in turn, choices random."""
    statuses = []
    start = time.perf_counter() + 0.5
    total = int(rate * seconds)

    def send(n):
        time.sleep(max(0.0, start + n / rate - time.perf_counter()))
        statuses.append(phones[n % len(phones)].vote(round_pk, random.choice(options)))

    with ThreadPoolExecutor(max_workers=max(8, int(rate * 2))) as pool:
        list(pool.map(send, range(total)))
    return statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument("--interval", type=float, default=2, help="seconds between polls")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=20, help="votes per second")
    parser.add_argument("--voters", type=int, default=100, help="phones sending the votes")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8772)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="or 'none'")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 2000])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return

    constant = query_counts(args.sizes, args.repeat)

    env = live_env(args.port, "live_screen", args.redis)
    print(
        describe(env, args.workers) + f"; {args.watchers} watchers every {args.interval:g} s "
        f"for {args.seconds:g} s; {args.rate:g} votes/s from {args.voters} phones"
    )
    prepare(env)
    round_pk, options = create_poll(env)
    server = start_gunicorn(env, args.port, workers=args.workers)
    base = f"http://127.0.0.1:{args.port}"
    url = f"{base}/evenementen/{SLUG}/live/scherm/stand/"
    try:
        phones = [Phone(base) for _ in range(args.voters)]
        with ThreadPoolExecutor(max_workers=50) as pool:
            list(pool.map(Phone.join, phones))
        voting = ThreadPoolExecutor(max_workers=1)
        votes = voting.submit(vote_steadily, phones, round_pk, options, args.rate, args.seconds)
        times, failures = watch(url, args.watchers, args.seconds, args.interval)
        statuses = votes.result()
        voting.shutdown()
        # Fresh on the next request: what the database holds, then one vote more.
        if not env.get("REDIS_URL"):
            time.sleep(1.1)  # a cache per process: a partial lives a second there
        shown_after = [int(n) for n in VOTERS.findall(poll_partial(url)[1])]
        latecomer = Phone(base)
        latecomer.join()
        late_status = latecomer.vote(round_pk, options[0])
        if not env.get("REDIS_URL"):
            time.sleep(1.1)
        shown_late = [int(n) for n in VOTERS.findall(poll_partial(url)[1])]
    finally:
        stop(server)

    median = statistics.median(times)
    vote_errors = [status for status in statuses if status != 302]
    print(
        f"partial under load: {len(times)} requests ({len(times) / args.seconds:.0f}/s), "
        f"{summary(times)}, slowest {max(times):.0f} ms; failures: {len(failures)}; "
        f"target median ≤ {TARGET_MEDIAN_MS} ms: "
        f"{'met' if median <= TARGET_MEDIAN_MS else 'MISSED'}"
    )
    print(
        f"votes meanwhile: {len(statuses) - len(vote_errors)} answered 302, "
        f"errors: {len(vote_errors)}"
    )
    voters = stored_votes(env, round_pk)["voters"]
    fresh = shown_after == [voters - 1] and late_status == 302 and shown_late == [voters]
    print(
        f"afterwards the partial shows {shown_after} voters (database: {voters - 1}); one "
        f"more vote ({late_status}), the next request shows {shown_late} (database: {voters}): "
        f"{'fresh' if fresh else 'STALE'}"
    )
    ok = constant and median <= TARGET_MEDIAN_MS and not failures and not vote_errors and fresh
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
