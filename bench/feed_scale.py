"""Feeds and the events API for an organisation with many meetings: fast, constant queries?

    .venv/bin/python bench/feed_scale.py [--sizes 50 500] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/feed_scale.py

For each size, a fresh database (SQLite file, or a fresh PostgreSQL database named after
DATABASE_URL plus the size) gets one organisation with that many published meetings, all
in one series, one in ten cancelled, each with a programme item and three sign-ups. Then,
in-process with production settings (DEBUG off, cached templates), it times the
organisation's calendar feed (as served: from the cache while no meeting changed; and
uncached, as right after a change), the series' feed, the events API filtered by organisation
(the default page and a page of 100) and one meeting in the API: SQL query count and
median server time. The floor: at the largest size every median is at most 100 ms, and
the query count is the same at every size.
"""

from pathlib import Path

from common import in_process_runs

ROOT = Path(__file__).resolve().parent.parent
FLOOR_MS = 100

PAGES = {
    "organisation feed": "/organisaties/bench-buurt/agenda.ics",
    "series feed": "/reeksen/bench-reeks/agenda.ics",
    "API, organisation filter": "/api/evenementen/?organisation=bench-buurt",
    "API, 100 per page": "/api/evenementen/?organisation=bench-buurt&page_size=100",
    "API, one meeting": "/api/evenementen/bench-7/",
}


def populate(size: int) -> None:
    from datetime import time, timedelta

    from django.utils import timezone

    from events.models import Event, ProgrammeItem, Registration, Series
    from organisations.models import Organisation

    organisation = Organisation.objects.create(slug="bench-buurt", name="Buurtnetwerk Bench")
    series = Series.objects.create(
        organisation=organisation, slug="bench-reeks", title="Bezoeken (benchmark)"
    )
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    events = Event.objects.bulk_create(
        Event(
            slug=f"bench-{n}",
            live_code=f"{n:06d}",
            title=f"Buurtgesprek {n}",
            summary="Samen praten over zorgen voor elkaar.",
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=3),
            venue_name="Buurthuis",
            venue_street="Dorpsstraat 1",
            venue_city="Zwolle",
            capacity=40,
            status=Event.Status.CANCELLED if n % 10 == 9 else Event.Status.PUBLISHED,
            organisation=organisation,
            series=series,
        )
        for n in range(size)
    )
    ProgrammeItem.objects.bulk_create(
        ProgrammeItem(event=event, start_time=time(14, 0), title="Opening") for event in events
    )
    Registration.objects.bulk_create(
        Registration(
            event=event,
            name=f"Deelnemer {k}",
            email=f"d{event.pk}-{k}@example.org",
            party_size=1,
            status=Registration.Status.CONFIRMED,
        )
        for event in events
        for k in range(3)
    )


def measure(size: int, repeat: int) -> dict:
    """Runs in a child process with its own database."""
    import statistics
    import time

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    populate(size)
    client = Client()
    results = {}
    for label, path in PAGES.items():
        response = client.get(path)  # warm up: templates, connection
        assert response.status_code == 200, (path, response.status_code)
        cache.clear()
        statements = []

        # Counted as the database is asked (the test client's request signals reset the
        # debug query log, so CaptureQueriesContext would see none).
        def count(run, sql, *args, statements=statements):
            statements.append(sql)
            return run(sql, *args)

        with connection.execute_wrapper(count):
            body = client.get(path).content
        cold = []
        for _ in range(5):
            cache.clear()  # as right after a meeting changed
            started = time.perf_counter()
            client.get(path)
            cold.append((time.perf_counter() - started) * 1000)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        results[label] = {
            "queries": len(statements),
            "median_ms": statistics.median(times),
            "cold_ms": statistics.median(cold),
            "kb": len(body) / 1024,
        }
    return results


def main():
    result = in_process_runs(__doc__, __file__, measure, [50, 500], prefix="feed")
    if result is None:
        return
    sizes, runs = result
    large = max(sizes)
    ok = True
    for label in PAGES:
        parts = [
            f"{size}: {runs[size][label]['queries']} queries, "
            f"median {runs[size][label]['median_ms']:.1f} ms "
            f"(uncached {runs[size][label]['cold_ms']:.1f} ms), {runs[size][label]['kb']:.0f} KB"
            for size in sizes
        ]
        same = len({runs[size][label]["queries"] for size in sizes}) == 1
        print(f"{label}: " + "; ".join(parts) + f"; same queries: {same}")
        ok = ok and same and runs[large][label]["median_ms"] <= FLOOR_MS
    print("floor met" if ok else f"floor NOT met (≤{FLOOR_MS} ms at {large}, constant queries)")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
