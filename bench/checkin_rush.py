"""Door check-in benchmark: phones scanning tickets against gunicorn with production settings.

    .venv/bin/python bench/checkin_rush.py [--tickets 200] [--phones 4] [--workers 4]

Uses a fresh SQLite file (or a fresh PostgreSQL database `<name>_checkin` beside the one
in DATABASE_URL) with the demo data, signs up
`--tickets` attendees for the Bestuurdersevent, starts gunicorn, logs in as an organiser
and lets `--phones` threads scan every ticket once as fast as they can, then scans them
all again. Reports the scan round trip (median, p95, max), scans per second, and checks
that every ticket was checked in exactly once and every second scan answered "already".
"""

import argparse
import http.cookiejar
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from common import production_env

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SLUG = "bestuurdersevent-krachtige-kernen"


def run(*args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env, tickets: int) -> list[str]:
    run("migrate", "--no-input", "-v0", env=env)
    run("collectstatic", "--no-input", "-v0", env=env)
    run("seed_demo", env=env)
    script = f"""
from django.contrib.auth.models import User
from events.models import Event
from events import services
from organisations.models import Membership
event = Event.objects.get(slug="{SLUG}")
event.capacity = None
event.save()
user, _ = User.objects.get_or_create(username="bench-deur")
user.set_password("bench-deur-wachtwoord")
user.save()
Membership.objects.get_or_create(organisation=event.organisation, user=user, role="door")
codes = []
for n in range({tickets}):
    signup = services.registration_create(
        event=event, name=f"Bezoeker {{n}}", email=f"bench{{n}}@example.org"
    )
    codes.append(signup.registration.ticket_code)
print("CODES", " ".join(codes))
"""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return re.search(r"CODES (.*)", out).group(1).split()


def login(base: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    opener.open(
        urllib.request.Request(
            f"{base}/accounts/login/",
            data=urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "username": "bench-deur",
                    "password": "bench-deur-wachtwoord",
                }
            ).encode(),
            headers={"Referer": f"{base}/accounts/login/"},
        )
    ).read()
    page = opener.open(f"{base}/organisatie/evenementen/{SLUG}/inchecken/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return opener, token


def scan(opener, token, base, code) -> tuple[float, str]:
    url = f"{base}/organisatie/evenementen/{SLUG}/inchecken/scan/"
    request = urllib.request.Request(
        url,
        data=urlencode({"code": code}).encode(),
        headers={"X-CSRFToken": token, "Accept": "application/json", "Referer": url},
    )
    start = time.perf_counter()
    with opener.open(request, timeout=30) as response:
        body = response.read().decode()
    elapsed = time.perf_counter() - start
    return elapsed, re.search(r'"result": "(\w+)"', body).group(1)


def rush(base, codes, phones):
    sessions = [login(base) for _ in range(phones)]
    lock = threading.Lock()
    queue = list(codes)
    results = []

    def phone(index):
        opener, token = sessions[index]
        while True:
            with lock:
                if not queue:
                    return
                code = queue.pop()
            results.append(scan(opener, token, base, code))

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=phones) as pool:
        list(pool.map(phone, range(phones)))
    return results, time.perf_counter() - start


def report(label, results, wall):
    times = sorted(t * 1000 for t, _ in results)
    outcome = {}
    for _, result in results:
        outcome[result] = outcome.get(result, 0) + 1
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{label}: {len(times)} scans in {wall:.2f}s ({len(times) / wall:.0f}/s); "
        f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms; "
        f"results {outcome}"
    )
    return outcome, statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--phones", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    base = f"http://127.0.0.1:{args.port}"
    env = production_env(args.port, "checkin", RATELIMIT_ENABLE="1")  # as in production
    data_dir = env["ZORGZAAM_DATA_DIR"]
    database = env.get("DATABASE_URL", "").split("@")[-1] or f"SQLite file in {data_dir}"
    print(f"Database: {database}")
    codes = prepare(env, args.tickets)
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "zorgzaam.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=5).read()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        first, wall = rush(base, codes, args.phones)
        outcome, median = report("first scan", first, wall)
        again, wall = rush(base, codes, args.phones)
        repeat, _ = report("second scan", again, wall)
    finally:
        server.terminate()
        server.wait(timeout=10)
    ok = outcome == {"ok": len(codes)} and repeat == {"already": len(codes)}
    print(f"every ticket checked in exactly once: {'yes' if ok else 'NO'}")
    print(f"median scan round trip {median:.1f} ms (target <= 50 ms)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
