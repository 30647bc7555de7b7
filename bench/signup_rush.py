"""Sign-up rush: many phones sign up at once for a meeting with few places.

    .venv/bin/python bench/signup_rush.py [--clients 300] [--seats 90] [--workers 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/signup_rush.py

Starts gunicorn with production settings on a fresh SQLite file (or a fresh PostgreSQL
database `<name>_signup` beside the one in DATABASE_URL),
publishes a meeting with `--seats` places, and lets `--clients` threads each load the
event page (CSRF cookie) and then, all released at the same moment, post the form.
First the floor: the same number of clients POST, all at once, to a minimal view that
inserts one row (same server, middleware and database; see `bench/floor_wsgi.py`).
Reports places confirmed, waiting list, errors, sign-ups per second, latency, and the
ratio to the floor.

Then the same number of people sign up for a second meeting arriving at a steady
`--rate` per second instead of in the same millisecond (a flyer shared in a group chat:
people tap within seconds, not all at once): the latency a person sees at that rate.
"""

import argparse
import re
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from common import (
    create_floor_table,
    database_label,
    manage,
    prepare,
    production_env,
    start_gunicorn,
    stop,
    summary,
)

SLUG = "bench-rush"
STEADY_SLUG = "bench-steady"
QUESTIONS_SLUG = "bench-questions"


def create_event(env, slug, seats, questions=False):
    """A published meeting; with `questions`, three on its form (one with a place limit)."""
    manage(
        env,
        "shell",
        "-c",
        f"""
from datetime import timedelta
from django.utils import timezone
from events.models import Event, Question, QuestionChoice
from organisations.models import Organisation
organisation, _ = Organisation.objects.get_or_create(slug="bench", defaults={{"name": "Bench"}})
start = timezone.now() + timedelta(days=10)
Event.objects.filter(slug="{slug}").delete()
event = Event.objects.create(slug="{slug}", title="Bestuurdersevent (benchmark)",
    summary="Benchmark", starts_at=start, ends_at=start + timedelta(hours=4), venue_name="Zaal",
    venue_city="Zwolle", capacity={seats}, status="published", organisation=organisation)
if {questions!r}:
    which = Question.objects.create(event=event, position=1, label="Welk vraagstuk?",
        kind="one_choice", required=True)
    for n in range(6):
        QuestionChoice.objects.create(question=which, position=n, label=f"Vraagstuk {{n}}",
            capacity=1000 if n == 0 else None)
    Question.objects.create(event=event, position=2, label="Dieet?", kind="short_text")
    Question.objects.create(event=event, position=3, label="Blijf je eten?", kind="yes_no")
    print("QUESTIONS", " ".join(str(q.pk) for q in event.questions.all()),
          which.choices.first().pk)
""",
        capture=True,
    )


def count(env, slug):
    out = manage(
        env,
        "shell",
        "-c",
        f"""
from django.db.models import Sum
from events.models import Registration
r = Registration.objects.filter(event__slug="{slug}")
print("COUNTS", r.filter(status="confirmed").aggregate(p=Sum("party_size"))["p"] or 0,
      r.filter(status="waitlist").count(), r.count())
""",
        capture=True,
    )
    return [int(n) for n in re.search(r"COUNTS (\d+) (\d+) (\d+)", out).groups()]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def rush(clients, prepare_client, send, rate=None):
    """Each client prepares (not timed), then all send at once (or `rate` per second).

    Returns [(latency, status, end)] and the wall time from the first send to the last
    answer.
    """
    barrier = threading.Barrier(clients)
    results = [None] * clients
    started = []

    def client(n):
        state = prepare_client(n)
        barrier.wait(timeout=300)
        if n == 0:
            started.append(time.perf_counter())
        if rate:
            time.sleep(n / rate)
        t0 = time.perf_counter()
        try:
            status = send(n, state)
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError as error:
            status = f"{type(error).__name__}"
        results[n] = (time.perf_counter() - t0, status, time.perf_counter())

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    wall = max(end for _, _, end in results) - started[0]
    return results, wall


def question_answers(env, slug):
    """Form fields that answer the benchmark meeting's three questions."""
    out = manage(
        env,
        "shell",
        "-c",
        f"""
from events.models import Question
qs = list(Question.objects.filter(event__slug="{slug}").order_by("position"))
print("QUESTIONS", qs[0].pk, qs[0].choices.order_by("position").first().pk, qs[1].pk, qs[2].pk)
""",
        capture=True,
    )
    which, choice, diet, stays = re.search(r"QUESTIONS (\d+) (\d+) (\d+) (\d+)", out).groups()
    return {
        f"question_{which}": choice,
        f"question_{diet}": "vegetarisch",
        f"question_{stays}": "yes",
    }


def signups(base, slug, clients, rate=None, extra=None):
    url = f"{base}/evenementen/{slug}/"

    def prepare_client(n):
        import http.cookiejar

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        page = opener.open(url, timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return opener, token

    def send(n, state):
        opener, token = state
        data = {"csrfmiddlewaretoken": token, "name": f"Bewoner {n}", "email": f"b{n}@example.org"}
        data.update(extra or {})
        request = urllib.request.Request(
            url, data=urlencode(data).encode(), headers={"Referer": url}
        )
        with opener.open(request, timeout=120) as response:
            return response.status

    return rush(clients, prepare_client, send, rate)


def floor(base, clients, path="/bench/floor/"):
    def send(n, state):
        request = urllib.request.Request(f"{base}{path}", data=b"x=1")
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status

    return rush(clients, lambda n: None, send)


def check(env, slug, results, seats, clients):
    """The guarantees: exactly `seats` confirmed, the rest waiting, no errors."""
    errors = [status for _, status, _ in results if status != 302]
    confirmed, waiting, total = count(env, slug)
    print(
        f"  confirmed people: {confirmed} (must be {seats}); waiting list: {waiting} "
        f"(expected {clients - seats}); registrations: {total}; errors: {len(errors)}"
        + (f" {sorted(set(map(str, errors)))}" if errors else "")
    )
    return confirmed == seats and waiting == clients - seats and not errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--seats", type=int, default=90)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=100, help="steady arrivals per second")
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()

    env = production_env(args.port, "signup")
    print(
        f"Database: {database_label(env)}; gunicorn {args.workers} workers; {args.clients} clients"
    )
    prepare(env)
    create_event(env, SLUG, args.seats)
    create_event(env, STEADY_SLUG, args.seats)
    create_event(env, QUESTIONS_SLUG, args.seats, questions=True)
    answers = question_answers(env, QUESTIONS_SLUG)
    create_floor_table(env)
    server = start_gunicorn(env, args.port, workers=args.workers, app="floor_wsgi:application")
    base = f"http://127.0.0.1:{args.port}"
    try:
        raw_results, raw_wall = floor(base, args.clients, "/bench/raw/")
        floor_results, floor_wall = floor(base, args.clients)
        results, wall = signups(base, SLUG, args.clients)
        question_results, question_wall = signups(base, QUESTIONS_SLUG, args.clients, extra=answers)
        steady_results, steady_wall = signups(base, STEADY_SLUG, args.clients, args.rate)
    finally:
        stop(server)

    def rate_of(results, wall, ok):
        return sum(1 for _, status, _ in results if status == ok) / wall

    def latencies(results):
        return summary([t * 1000 for t, _, _ in results])

    raw_rate = rate_of(raw_results, raw_wall, 204)
    floor_rate = rate_of(floor_results, floor_wall, 204)
    rate = rate_of(results, wall, 302)
    print(f"bare WSGI insert (no Django): {raw_rate:.0f}/s; {latencies(raw_results)}")
    print(f"floor (minimal view, one insert): {floor_rate:.0f}/s; {latencies(floor_results)}")
    print(f"sign-ups, all at once: {rate:.0f}/s in {wall:.2f}s; {latencies(results)}")
    print(f"  ratio to floor: {rate / floor_rate:.2f}")
    ok = check(env, SLUG, results, args.seats, args.clients)
    question_rate = rate_of(question_results, question_wall, 302)
    print(
        f"sign-ups with three questions on the form, all at once: {question_rate:.0f}/s in "
        f"{question_wall:.2f}s; {latencies(question_results)}"
    )
    print(f"  ratio to the rush without questions: {question_rate / rate:.2f}")
    ok = check(env, QUESTIONS_SLUG, question_results, args.seats, args.clients) and ok
    steady_rate = rate_of(steady_results, steady_wall, 302)
    print(
        f"sign-ups arriving at {args.rate:.0f}/s: {steady_rate:.0f}/s answered; "
        f"{latencies(steady_results)}"
    )
    ok = check(env, STEADY_SLUG, steady_results, args.seats, args.clients) and ok
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
