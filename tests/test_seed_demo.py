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
