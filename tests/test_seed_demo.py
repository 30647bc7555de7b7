import io
import os
import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event, LiveOption, ProgrammeItem, QuestionChoice
from initiatives.models import Initiative


def snapshot():
    return (
        sorted(Event.objects.values_list("slug", "title", "starts_at", "ends_at", "capacity")),
        sorted(ProgrammeItem.objects.values_list("pk", "event__slug", "title", "start_time")),
        sorted(Initiative.objects.values_list("pk", "slug", "name")),
        sorted(QuestionChoice.objects.values_list("pk", "question__label", "label")),
        sorted(LiveOption.objects.values_list("pk", "round__title", "round__state", "label")),
    )


def test_seed_demo_loads_the_three_seed_events_and_is_idempotent(db, client):
    call_command("seed_demo", verbosity=0)
    first = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first

    ru_pare = Event.objects.get(slug="zorgzame-gemeenschappen")
    assert ru_pare.venue_name == "Ru Paré"
    assert ru_pare.venue_street == "Chris Lebeaustraat 4"
    assert (ru_pare.starts_at.month, ru_pare.starts_at.day) == (10, 1)
    assert ru_pare.starts_at.astimezone().strftime("%H:%M") in {"14:00", "13:00", "12:00"}
    assert ru_pare.programme.filter(host__contains="Pieter Hilhorst").exists()
    assert ru_pare.programme.filter(kind="breakout").count() >= 2
    assert ru_pare.free_entry

    zorgvrijstaat = Event.objects.get(slug="meetup-zorgvrijstaat")
    assert zorgvrijstaat.venue_name == "Het Wijkpaleis"
    assert zorgvrijstaat.venue_city == "Rotterdam"
    assert zorgvrijstaat.capacity  # limited places: "Vol is vol!"
    assert "Vol is vol" in zorgvrijstaat.description
    assert zorgvrijstaat.hosts.filter(slug="zorgvrijstaat").exists()

    bestuurders = Event.objects.get(slug="bestuurdersevent-krachtige-kernen")
    assert bestuurders.programme.filter(kind="pitch").count() == 6
    # Contract: a required single choice over the six pitched vraagstukken.
    question = bestuurders.questions.get()
    assert (question.kind, question.required) == ("one_choice", True)
    pitches = bestuurders.programme.filter(kind="pitch").values_list("title", flat=True)
    assert sorted(question.choices.values_list("label", flat=True)) == sorted(pitches)
    assert bestuurders.hosts.count() == 2
    # Contract: a single-choice poll over the six pitches, open, and a question wall.
    poll = bestuurders.live_rounds.get(state="open")
    assert poll.kind == "one_choice"
    assert sorted(poll.options.values_list("label", flat=True)) == sorted(pitches)
    assert bestuurders.live_rounds.filter(kind="questions").exists()
    live = client.get("/evenementen/bestuurdersevent-krachtige-kernen/live/")
    assert live.status_code == 200 and poll.title in live.text

    for slug in ("zorgvrijstaat", "het-8ste-werk", "gezonde-marke", "drents-collectief"):
        assert Initiative.objects.filter(slug=slug).exists()

    home = client.get("/")
    for event in Event.objects.filter(ends_at__gte=timezone.now()):
        assert event.title in home.text


def test_seed_demo_gives_each_meeting_its_organisation_and_the_demo_owner_a_team(db, settings):
    from organisations.models import Invitation, Membership, Organisation

    settings.DEBUG = True  # the demo logins are made in development only
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    expected = {
        "zorgzame-gemeenschappen": "zorgzaam-nieuw-west",
        "aftrap-het-8ste-werk-kampen": "zorgvrijstaat",
        "meetup-zorgvrijstaat": "zorgvrijstaat",
        "bestuurdersevent-krachtige-kernen": "zorgalliantie",
    }
    assert {e.slug: e.organisation.slug for e in Event.objects.all()} == expected
    assert Organisation.objects.count() == 3
    # Zorgvrijstaat is an organisation and a catalogue entry: each links to the other.
    zorgvrijstaat = Organisation.objects.get(slug="zorgvrijstaat")
    assert zorgvrijstaat.initiative.slug == "zorgvrijstaat"
    assert zorgvrijstaat.embed_origin_list == ["https://zorgvrijstaat.example"]
    owner_of = set(
        Membership.objects.filter(user__username="organisator", role="owner").values_list(
            "organisation__slug", flat=True
        )
    )
    assert owner_of == set(expected.values())
    door = Membership.objects.get(user__username="vrijwilliger")
    assert (door.organisation.slug, door.role) == ("zorgvrijstaat", "door")
    pending = [i for i in Invitation.objects.all() if i.state() == "pending"]
    assert len(pending) == 1  # still one after two runs


def test_seed_demo_makes_no_logins_in_production(db, settings):
    from django.contrib.auth.models import User

    settings.DEBUG = False
    call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()
    assert Event.objects.filter(organisation__isnull=False).count() == 4


def test_seed_demo_series_of_visits_with_kampen_past_and_zorgvrijstaat_coming(db, client):
    """Contract: the series bezoeken-zorgzame-buurten, the meet-up in it, Kampen before it."""
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from events.models import Series

    series = Series.objects.get(slug="bezoeken-zorgzame-buurten")
    assert series.organisation.slug == "zorgvrijstaat"
    kampen, meetup = series.events.order_by("starts_at")
    assert (kampen.slug, meetup.slug) == ("aftrap-het-8ste-werk-kampen", "meetup-zorgvrijstaat")
    assert kampen.ends_at < timezone.now() < meetup.starts_at
    assert kampen.venue_city == "Kampen" and [h.slug for h in kampen.hosts.all()] == [
        "het-8ste-werk"
    ]
    page = client.get("/reeksen/bezoeken-zorgzame-buurten/")
    assert page.status_code == 200
    upcoming, past = page.context["upcoming"], page.context["past"]
    assert [e.slug for e in upcoming] == ["meetup-zorgvrijstaat"]
    assert [e.slug for e in past] == ["aftrap-het-8ste-werk-kampen"]


# Example data: what a newcomer sees working after `make run` ----------------------------

EXAMPLE = "@example.org"


def example_rows():
    """Every row the example data makes, by stable keys: equal after a second run."""
    from events.models import Answer, LiveVote, OutgoingEmail, Registration, ReportOutcome
    from initiatives.models import BottleneckReport, CorrectionReport, InitiativeChange

    return {
        "registrations": sorted(
            Registration.objects.values_list("event__slug", "email", "status", "created_at")
        ),
        "answers": Answer.objects.count(),
        "initiatives": sorted(Initiative.objects.values_list("slug", "publication", "created_at")),
        "knelpunten reports": BottleneckReport.objects.count(),
        "corrections": CorrectionReport.objects.count(),
        "history": InitiativeChange.objects.count(),
        "votes": LiveVote.objects.count(),
        "outcomes": sorted(ReportOutcome.objects.values_list("title", "participants")),
        "emails": OutgoingEmail.objects.count(),
    }


@pytest.fixture
def example_demo(db, settings, django_capture_on_commit_callbacks):
    """The demo as `make run` makes it (development), with every on-commit task run."""
    settings.DEBUG = True
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("seed_demo", stdout=out)
    return {"output": out.getvalue(), "on_commit": callbacks}


def test_example_data_is_idempotent(example_demo, django_capture_on_commit_callbacks):
    first = example_rows()
    assert first["answers"] and first["knelpunten reports"] and first["votes"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    assert example_rows() == first


def test_no_example_data_with_debug_off(db, settings):
    from events.models import LiveRound, Registration, Report
    from initiatives.models import BottleneckReport, CorrectionReport

    settings.DEBUG = False
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert not Registration.objects.exists()
    assert not Initiative.objects.filter(name__startswith="Voorbeeld").exists()
    assert not Initiative.objects.filter(publication="pending").exists()
    assert not BottleneckReport.objects.exists() and not CorrectionReport.objects.exists()
    assert not Report.objects.exists()
    assert not LiveRound.objects.filter(event__slug="aftrap-het-8ste-werk-kampen").exists()
    assert "Example data: none added" in out.getvalue()


def test_example_data_can_be_forced_with_debug_off(db, settings):
    from django.contrib.auth.models import User

    from events.models import Registration

    settings.DEBUG = False
    out = io.StringIO()
    call_command("seed_demo", "--example-data", stdout=out)
    assert Registration.objects.filter(event__slug="meetup-zorgvrijstaat").count() == 32
    assert Initiative.objects.filter(name__startswith="Voorbeeld", is_synthetic=True).count() == 16
    assert not User.objects.exists()  # the demo logins stay development only
    assert "Example data (" in out.getvalue() and "40/40 places taken" in out.getvalue()


def test_example_data_is_visibly_example(example_demo):
    from events.models import Registration
    from initiatives.models import CorrectionReport

    for registration in Registration.objects.all():
        assert registration.email.endswith(EXAMPLE), registration.email
        assert registration.name.startswith("Voorbeeld ")
    seeded = {"Zorgvrijstaat", "Welzijnscoalitie Delfshaven", "Het 8ste Werk"}
    for initiative in Initiative.objects.filter(is_synthetic=False):
        assert not initiative.name.startswith("Voorbeeld")
        assert not initiative.bottleneck_reports.exists(), "real entries get no made-up reports"
    for initiative in Initiative.objects.filter(name__startswith="Voorbeeld"):
        assert initiative.is_synthetic and initiative.summary.startswith("Voorbeeld (demo)")
    assert seeded <= set(Initiative.objects.values_list("name", flat=True))
    for correction in CorrectionReport.objects.all():
        assert correction.reporter_email.endswith(EXAMPLE)
        assert correction.initiative.is_synthetic


def test_the_meetup_is_full_with_a_waiting_list(example_demo, client):
    from events import selectors
    from events.models import Registration

    meetup = Event.objects.get(slug="meetup-zorgvrijstaat")
    assert meetup.capacity and meetup.seats_left() == 0  # "Vol is vol!"
    waiting = meetup.registrations.filter(status=Registration.Status.WAITLIST)
    assert 3 <= waiting.count() <= 5
    confirmed = meetup.registrations.filter(status=Registration.Status.CONFIRMED)
    assert {r.party_size for r in confirmed} >= {1, 2, 3}
    assert len({r.background for r in confirmed}) >= 6
    # First come, first served: everyone waiting signed up after the last one with a place.
    last_with_place = max(r.created_at for r in confirmed)
    assert all(r.created_at > last_with_place for r in waiting)
    assert [r.waitlist_position() for r in waiting.order_by("waitlisted_at")] == [1, 2, 3, 4]

    # Sign-ups spread over the past weeks: a curve, not one bar.
    insight = selectors.event_insight(event=meetup)
    assert len(insight.signups) >= 10
    assert max(row["count"] for row in insight.signups) > 1
    assert all(row["day"] < timezone.localdate() for row in insight.signups)
    assert insight.people == meetup.capacity and insight.topics

    page = client.get("/evenementen/meetup-zorgvrijstaat/")
    assert "De bijeenkomst is vol." in page.text and "Vol: wachtlijst" in page.text


def test_the_kampen_visit_has_check_ins_answers_and_a_report(example_demo, client):
    from events import selectors
    from events.models import Registration

    kampen = Event.objects.get(slug="aftrap-het-8ste-werk-kampen")
    assert kampen.is_past
    insight = selectors.event_insight(event=kampen)
    assert insight.people > 20 and insight.cancelled == 1
    assert 0 < insight.no_shows < insight.checked_in  # most came, a few did not
    assert all(row["day"] < timezone.localdate(kampen.starts_at) for row in insight.signups)
    came = kampen.registrations.filter(checked_in_at__isnull=False)
    assert all(
        kampen.starts_at - timedelta(hours=1) < r.checked_in_at < kampen.ends_at for r in came
    )
    (question,) = insight.questions
    assert sum(row["people"] for row in question["rows"]) == insight.people
    assert not came.filter(status=Registration.Status.CANCELLED).exists()

    report = client.get("/evenementen/aftrap-het-8ste-werk-kampen/verslag/")
    assert report.status_code == 200
    assert f"{came.count()} mensen waren erbij" in report.text
    assert "Voorbeeldverslag" in report.text
    first = kampen.report.agreements.get(position=1)
    meetup = Event.objects.get(slug="meetup-zorgvrijstaat")
    assert first.due_on == timezone.localdate(meetup.starts_at)  # "19 juni vervolgen we"
    (outcome,) = kampen.report.outcomes.all()
    assert outcome.title.endswith("(voorbeeld)") and outcome.participants == 18
    assert outcome.title in report.text


def test_the_insight_pages_show_figures_to_the_organiser(example_demo, client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="organisator"))
    meetup = client.get("/organisatie/evenementen/meetup-zorgvrijstaat/inzicht/")
    assert meetup.status_code == 200
    assert meetup.context["people"] == 40 and len(meetup.context["signups"]) >= 10
    kampen = client.get("/organisatie/evenementen/aftrap-het-8ste-werk-kampen/inzicht/")
    assert kampen.status_code == 200
    assert kampen.context["checked_in"] > 20 and kampen.context["no_shows"] > 0
    assert kampen.context["questions"][0]["label"] in kampen.text


def test_the_monitor_shows_figures_for_drenthe_and_rotterdam(example_demo, client):
    from initiatives.monitor import MIN_GROUP, bottleneck_monitor

    for filters in ({"provincie": ["drenthe"]}, {"gemeente": ["rotterdam"]}):
        monitor = bottleneck_monitor(filters=filters)
        assert monitor.overall.base >= MIN_GROUP and not monitor.suppressed, filters
    overall = bottleneck_monitor(filters={})
    assert overall.comparison == "within"  # the seed's 50–60%
    page = client.get("/initiatieven/knelpunten/", {"gemeente": "rotterdam"})
    assert page.status_code == 200 and not page.context["monitor"].suppressed
    assert "Te weinig gegevens:" not in page.text  # the monitor withholds nothing


def test_the_moderation_queue_has_submissions_and_a_correction(example_demo, client):
    from django.contrib.auth.models import User

    from initiatives.selectors.moderation import moderation_queue

    queue = moderation_queue()
    assert 3 <= len(queue.pending) <= 5
    for submission in queue.pending:
        assert submission.name.startswith("Voorbeeld ")
        assert submission.submitter_name.startswith("Voorbeeld ")
        assert submission.submitter_email.endswith(EXAMPLE)
    (correction,) = queue.corrections
    assert correction.initiative.is_published
    client.force_login(User.objects.get(username="coordinator"))
    page = client.get("/initiatieven/moderatie/")
    assert page.status_code == 200
    assert all(submission.name in page.text for submission in queue.pending)


def test_seeding_sends_no_email(example_demo, mailoutbox):
    from events.models import OutgoingEmail

    # The sign-up service queued confirmations; the tasks ran on commit and found nothing.
    assert example_demo["on_commit"]
    assert mailoutbox == []
    assert not OutgoingEmail.objects.exists()
    assert "no email sent" in example_demo["output"]


def test_make_run_port_sets_the_address_on_flyers_and_qr_codes(db, client, settings):
    """`PORT=8123 make run`: the Makefile hands PORT on; SITE_URL (QR codes) follows it."""
    if shutil.which("make") is None:
        # `make test` itself needs make, so this only skips when pytest is run by hand.
        if os.environ.get("CI"):
            pytest.fail("make not found: CI must run the suite through make")
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "DJANGO_DEBUG"}}
    probe = "probe:\n\t@$(PY) -c 'import zorgzaam.settings as s; print(s.SITE_URL)'\n"
    result = subprocess.run(
        ["make", "-s", "-f", "Makefile", "-f", "-", "probe", f"PY={sys.executable}"],
        input=probe,
        cwd=settings.BASE_DIR,
        env={**env, "PORT": "8123"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8123"

    settings.SITE_URL = result.stdout.strip()
    call_command("seed_demo", verbosity=0)
    poster = client.get("/evenementen/meetup-zorgvrijstaat/poster/")
    assert "http://127.0.0.1:8123/evenementen/meetup-zorgvrijstaat/" in poster.text
