"""Catalogue at scale: do pages stay fast, with the same number of queries, at 10,000?

    .venv/bin/python bench/catalogue_scale.py [--sizes 100 10000] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/catalogue_scale.py

For each size, a fresh database (SQLite file, or a fresh PostgreSQL database named after
DATABASE_URL plus the size) gets `generate_initiatives --count N`. Then, in-process with
production settings (DEBUG off, cached templates), it times the catalogue page with a
search term and two facets, the map with the same filters, and the JSON API: SQL query
count (with empty caches) and median server time, both as usually served (facet counts
from the cache) and with the cache emptied before each request. Last, the ratio of the
times at the largest and smallest size.
"""

from pathlib import Path

from common import in_process_runs

ROOT = Path(__file__).resolve().parent.parent

PAGES = {
    "catalogue (q + 2 facets)": "/initiatieven/?q=zorg&provincie=gelderland&activiteit=ontmoeting",
    "map (same filters)": "/initiatieven/kaart/?q=zorg&provincie=gelderland&activiteit=ontmoeting",
    "API (same filters)": "/api/initiatieven/?q=zorg&provincie=gelderland&activiteit=ontmoeting",
}


def measure(size: int, repeat: int) -> dict:
    """Runs in a child process with its own database."""
    import statistics
    import time

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("generate_initiatives", count=size, seed=1, force=True, verbosity=0)
    client = Client()
    results = {}
    for label, path in PAGES.items():
        response = client.get(path)  # warm up: templates, connection
        assert response.status_code == 200, (path, response.status_code)
        reset_queries()  # the query log is capped at 9,000 entries: start it empty
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        query_count = len(queries.captured_queries)
        cold = []
        for _ in range(5):
            cache.clear()  # facet counts computed, as for a query nobody asked before
            start = time.perf_counter()
            client.get(path)
            cold.append((time.perf_counter() - start) * 1000)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        results[label] = {
            "queries": query_count,
            "median_ms": statistics.median(times),
            "cold_ms": statistics.median(cold),
        }
    return results


def main():
    result = in_process_runs(__doc__, __file__, measure, [100, 10000])
    if result is None:
        return
    sizes, runs = result
    small, large = min(sizes), max(sizes)
    ok = True
    for label in PAGES:
        parts = [
            f"{size}: {runs[size][label]['queries']} queries, "
            f"median {runs[size][label]['median_ms']:.1f} ms "
            f"(uncached facets {runs[size][label]['cold_ms']:.1f} ms)"
            for size in sizes
        ]
        ratio = runs[large][label]["median_ms"] / runs[small][label]["median_ms"]
        same = len({runs[size][label]["queries"] for size in sizes}) == 1
        print(f"{label}: " + "; ".join(parts) + f"; ratio {ratio:.2f}; same queries: {same}")
        ok = ok and same and ratio <= 3 and runs[large][label]["median_ms"] <= 100
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
