"""QR code generation time, and whether a repeated request is answered from cache.

    .venv/bin/python bench/qr_speed.py [--repeat 200]

Times the event QR as PNG and SVG and the ticket QR as PNG (the functions the views
call, in-process, median of --repeat runs), then asks the event QR twice over HTTP with
Django's test client: the second request carries the ETag and must get 304 Not Modified.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgzaam.settings")
os.environ["ZORGZAAM_DATA_DIR"] = __import__("tempfile").mkdtemp(prefix="zorgzaam-bench-")
os.environ.pop("DATABASE_URL", None)  # a throwaway SQLite file


def median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from events.models import new_ticket_code
    from events.qr import qr_png, qr_svg

    event_url = "https://zorgzaam.example.nl/evenementen/bestuurdersevent-krachtige-kernen/"
    ticket = new_ticket_code()
    figures = {
        "event QR PNG (size m)": median_ms(lambda: qr_png(event_url, box_size=8), args.repeat),
        "event QR SVG": median_ms(lambda: qr_svg(event_url), args.repeat),
        "ticket QR PNG": median_ms(lambda: qr_png(ticket, box_size=8), args.repeat),
    }
    for label, value in figures.items():
        print(f"{label}: median {value:.2f} ms (target <= 10 ms)")

    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    client = Client()
    url = "/evenementen/bestuurdersevent-krachtige-kernen/qr.png"
    first = client.get(url)
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    print(
        f"second request with ETag: {second.status_code} "
        f"({'served from cache' if second.status_code == 304 else 'generated again'}); "
        f"Cache-Control: {first['Cache-Control']}"
    )
    ok = all(value <= 10 for value in figures.values()) and second.status_code == 304
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
