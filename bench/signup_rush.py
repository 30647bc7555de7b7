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

Then, in turn for `--rounds` rounds, the rush again on a meeting whose form asks three
questions (a required choice whose answers have a place limit, a text, a yes/no); the
median rate of each is compared.

Then the same number of people sign up for a second meeting arriving at a steady
`--rate` per second instead of in the same millisecond (a flyer shared in a group chat:
people tap within seconds, not all at once): the latency a person sees at that rate.
"""

import argparse
import re
import statistics
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
REASONS = []  # the messages of the first error answer, to say why
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
            capacity=50 if n < 2 else None)
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
    reasons = REASONS
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
            if status >= 400 and not reasons:
                body = error.read().decode(errors="replace")
                reasons.extend(
                    re.findall(r'class="[^"]*(?:alert|invalid-feedback)[^"]*"[^>]*>([^<]+)', body)
                )
        except OSError as error:
            status = f"{type(error).__name__}"
        results[n] = (time.perf_counter() - t0, status, time.perf_counter())

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    wall = max(end for _, _, end in results) - started[0]
    return results, wall


def question_answers(env, slug):
    """Form fields that answer the benchmark meeting's three questions, per client.

    Clients alternate between the two answers with a limit (50 places each), so every
    confirmed sign-up has its answer's places counted under the lock: the worst case.
    """
    out = manage(
        env,
        "shell",
        "-c",
        f"""
from events.models import Question
qs = list(Question.objects.filter(event__slug="{slug}").order_by("position"))
first, second = qs[0].choices.order_by("position")[:2]
print("QUESTIONS", qs[0].pk, first.pk, second.pk, qs[1].pk, qs[2].pk)
""",
        capture=True,
    )
    found = re.search(r"QUESTIONS (\d+) (\d+) (\d+) (\d+) (\d+)", out).groups()
    which, first, second, diet, stays = found

    def answers(n):
        return {
            f"question_{which}": first if n % 2 else second,
            f"question_{diet}": "vegetarisch",
            f"question_{stays}": "yes",
        }

    return answers


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
        data.update(extra(n) if extra else {})
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
    if errors and REASONS:
        print(f"  first error said: {' / '.join(r.strip() for r in REASONS)[:300]}")
    REASONS.clear()
    return confirmed == seats and waiting == clients - seats and not errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--seats", type=int, default=90)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=100, help="steady arrivals per second")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rushes without and with questions, in turn"
    )
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()

    env = production_env(args.port, "signup")
    print(
        f"Database: {database_label(env)}; gunicorn {args.workers} workers; {args.clients} clients"
    )
    prepare(env)
    rounds = range(1, args.rounds + 1)
    for n in rounds:
        create_event(env, f"{SLUG}-{n}", args.seats)
        create_event(env, f"{QUESTIONS_SLUG}-{n}", args.seats, questions=True)
    answers = {n: question_answers(env, f"{QUESTIONS_SLUG}-{n}") for n in rounds}
    create_event(env, STEADY_SLUG, args.seats)
    create_floor_table(env)
    server = start_gunicorn(env, args.port, workers=args.workers, app="floor_wsgi:application")
    base = f"http://127.0.0.1:{args.port}"
    plain, asked = {}, {}
    try:
        raw_results, raw_wall = floor(base, args.clients, "/bench/raw/")
        floor_results, floor_wall = floor(base, args.clients)
        # In turn, so a machine that gets busier or quieter during the run weighs on both.
        for n in rounds:
            plain[n] = signups(base, f"{SLUG}-{n}", args.clients)
            asked[n] = signups(base, f"{QUESTIONS_SLUG}-{n}", args.clients, extra=answers[n])
        steady_results, steady_wall = signups(base, STEADY_SLUG, args.clients, args.rate)
    finally:
        stop(server)

    def rate_of(results, wall, ok):
        return sum(1 for _, status, _ in results if status == ok) / wall

    def latencies(results):
        return summary([t * 1000 for t, _, _ in results])

    raw_rate = rate_of(raw_results, raw_wall, 204)
    floor_rate = rate_of(floor_results, floor_wall, 204)
    print(f"bare WSGI insert (no Django): {raw_rate:.0f}/s; {latencies(raw_results)}")
    print(f"floor (minimal view, one insert): {floor_rate:.0f}/s; {latencies(floor_results)}")
    ok = True
    plain_rates, asked_rates = [], []
    for n in rounds:
        results, wall = plain[n]
        rate = rate_of(results, wall, 302)
        plain_rates.append(rate)
        print(
            f"round {n}: sign-ups, all at once: {rate:.0f}/s in {wall:.2f}s; {latencies(results)}"
        )
        print(f"  ratio to floor: {rate / floor_rate:.2f}")
        ok = check(env, f"{SLUG}-{n}", results, args.seats, args.clients) and ok
        results, wall = asked[n]
        question_rate = rate_of(results, wall, 302)
        asked_rates.append(question_rate)
        print(
            f"round {n}: with three questions on the form: {question_rate:.0f}/s in "
            f"{wall:.2f}s; {latencies(results)}"
        )
        print(f"  ratio to the rush without questions just before: {question_rate / rate:.2f}")
        ok = check(env, f"{QUESTIONS_SLUG}-{n}", results, args.seats, args.clients) and ok
    without, with_questions = statistics.median(plain_rates), statistics.median(asked_rates)
    print(
        f"median of {args.rounds} rounds: {without:.0f}/s without questions, "
        f"{with_questions:.0f}/s with three; ratio {with_questions / without:.2f}"
    )
    steady_rate = rate_of(steady_results, steady_wall, 302)
    print(
        f"sign-ups arriving at {args.rate:.0f}/s: {steady_rate:.0f}/s answered; "
        f"{latencies(steady_results)}"
    )
    ok = check(env, STEADY_SLUG, steady_results, args.seats, args.clients) and ok
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
