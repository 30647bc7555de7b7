"""Live input during a meeting: rounds, questions, votes, and the pages around them."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from events import services
from events.models import LiveQuestion, LiveRound, LiveVote, ProgrammeItem
from events.services import LiveError

ME = "a" * 64
YOU = "b" * 64


@pytest.fixture
def poll(event):
    round_ = services.live_round_create(
        event=event, kind="one_choice", title="Welk vraagstuk eerst?", options=["Wonen", "Zorg"]
    )
    return services.live_round_open(round=round_)


@pytest.fixture
def wall(event):
    return services.live_round_create(event=event, kind="questions", title="Vragen")


def _option(round_, n):
    return round_.options.all()[n].pk


# Services


def test_a_second_vote_replaces_the_first(poll):
    services.live_vote(round=poll, participant=ME, choices={_option(poll, 0): 1})
    services.live_vote(round=poll, participant=ME, choices={_option(poll, 1): 1})
    votes = LiveVote.objects.filter(round=poll, participant=ME)
    assert [(v.option_id, v.points) for v in votes] == [(_option(poll, 1), 1)]


def test_one_choice_poll_takes_one_option(poll):
    with pytest.raises(LiveError) as error:
        services.live_vote(
            round=poll, participant=ME, choices={_option(poll, 0): 1, _option(poll, 1): 1}
        )
    assert error.value.code == "one_choice_only"


def test_points_poll_cannot_exceed_the_budget(event):
    round_ = services.live_round_create(
        event=event, kind="points", title="Verdeel", options=["A", "B", "C"], points_budget=5
    )
    services.live_round_open(round=round_)
    a, b, c = round_.options.values_list("pk", flat=True)
    with pytest.raises(LiveError) as error:
        services.live_vote(round=round_, participant=ME, choices={a: 3, b: 3})
    assert error.value.code == "over_budget"
    services.live_vote(round=round_, participant=ME, choices={a: 3, b: 2})
    services.live_vote(round=round_, participant=ME, choices={c: 5})  # replaces, never adds
    assert list(LiveVote.objects.values_list("option_id", "points")) == [(c, 5)]
    results = {r.option.pk: r.total for r in services.live.live_results(round=round_)}
    assert results == {a: 0, b: 0, c: 5}


def test_a_forged_option_of_another_round_is_refused(event, poll):
    other = services.live_round_create(
        event=event, kind="one_choice", title="Ander", options=["X", "Y"]
    )
    with pytest.raises(LiveError) as error:
        services.live_vote(round=poll, participant=ME, choices={_option(other, 0): 1})
    assert error.value.code == "unknown_option"
    assert not LiveVote.objects.exists()


def test_votes_only_in_the_open_round(event):
    draft = services.live_round_create(event=event, kind="choices", title="Nog niet", options="AB")
    with pytest.raises(LiveError) as error:
        services.live_vote(round=draft, participant=ME, choices={_option(draft, 0): 1})
    assert error.value.code == "round_closed"


def test_only_one_round_open_at_a_time(event, poll, wall):
    services.live_round_open(round=wall)
    poll.refresh_from_db()
    assert poll.state == "closed"
    assert list(event.live_rounds.filter(state="open")) == [wall]


def test_moderated_questions_wait_and_hidden_ones_stay_off_screen(wall):
    wall.moderated = True
    wall.save()
    services.live_round_open(round=wall)
    waiting = services.live_question_ask(round=wall, participant=ME, text="Wie betaalt?")
    assert waiting.state == "pending"
    assert list(services.live.live_questions_on_screen(round=wall)) == []
    services.live_question_moderate(question=waiting, action="approve")
    assert list(services.live.live_questions_on_screen(round=wall)) == [waiting]
    services.live_question_moderate(question=waiting, action="hide")
    assert list(services.live.live_questions_on_screen(round=wall)) == []


def test_question_text_rules(wall):
    services.live_round_open(round=wall)
    for text, code in [("x" * 301, "too_long"), ("  ", "empty_text"), ("a\x00b", "invalid_text")]:
        with pytest.raises(LiveError) as error:
            services.live_question_ask(round=wall, participant=ME, text=text)
        assert error.value.code == code
    with pytest.raises(LiveError):
        services.live_question_ask(round=wall, participant=ME, text="Vraag", first_name="x" * 41)


def test_upvote_once_and_merge_moves_upvotes(wall):
    services.live_round_open(round=wall)
    first = services.live_question_ask(
        round=wall, participant=ME, text="Hoe vinden we vrijwilligers?"
    )
    twin = services.live_question_ask(
        round=wall, participant=YOU, text="Waar vinden we vrijwilligers?"
    )
    assert services.live_upvote(question=first, participant=YOU) is True
    assert services.live_upvote(question=first, participant=YOU) is False  # taken back
    services.live_upvote(question=first, participant=YOU)
    services.live_upvote(question=twin, participant=YOU)
    services.live_upvote(question=twin, participant=ME)
    services.live_question_moderate(question=twin, action="merge", into=first)
    assert first.upvotes.count() == 2  # YOU once, ME once
    assert list(services.live.live_questions_on_screen(round=wall)) == [first]


def test_participants_delete_only_their_own_question(wall):
    services.live_round_open(round=wall)
    question = services.live_question_ask(round=wall, participant=ME, text="Mijn vraag")
    with pytest.raises(LiveError) as error:
        services.live_question_delete(question=question, participant=YOU)
    assert error.value.code == "not_yours"
    services.live_question_delete(question=question, participant=ME)
    assert not LiveQuestion.objects.exists()


def test_an_open_answer_replaces_the_previous_one(event):
    round_ = services.live_round_create(event=event, kind="open", title="Eén woord")
    services.live_round_open(round=round_)
    services.live_answer(round=round_, participant=ME, text="samen")
    services.live_answer(round=round_, participant=ME, text="buren")
    assert list(round_.answers.values_list("text", flat=True)) == ["buren"]


def test_poll_from_the_programme(event):
    for n, kind in enumerate(["plenary", "breakout", "pitch", "break", "breakout"]):
        ProgrammeItem.objects.create(
            event=event, start_time=f"1{n}:00", title=f"Item {n}", kind=kind
        )
    round_ = services.live_round_from_programme(event=event, title="Waar beginnen we?")
    assert round_.kind == LiveRound.Kind.ONE_CHOICE
    assert list(round_.options.values_list("label", flat=True)) == ["Item 1", "Item 2", "Item 4"]


def test_options_change_only_in_a_draft(poll):
    with pytest.raises(LiveError) as error:
        services.live_round_update(round=poll, title="Nieuw", options=["C", "D"])
    assert error.value.code == "not_draft"


# The participants' page


def _live_url(event):
    return reverse("events:live", kwargs={"slug": event.slug})


def test_participant_page_without_an_open_round(client, event):
    page = client.get(_live_url(event))
    assert page.status_code == 200
    assert "Nu is er niets te beantwoorden" in page.text
    assert "zorgzaam_live" in page.cookies


def test_voting_without_javascript_posts_then_redirects(client, event, poll):
    url = _live_url(event)
    client.get(url)
    first, second = poll.options.values_list("pk", flat=True)
    answer = client.post(url, {"action": "vote", "round": poll.pk, "option": first})
    assert answer.status_code == 302 and answer["Location"] == url
    client.post(url, {"action": "vote", "round": poll.pk, "option": second})
    assert list(LiveVote.objects.values_list("option_id", flat=True)) == [second]
    page = client.get(url)
    assert "checked" in page.text


def test_asking_upvoting_and_deleting_a_question(client, event, wall):
    services.live_round_open(round=wall)
    url = _live_url(event)
    client.get(url)
    base = {"round": wall.pk}
    assert (
        client.post(
            url, {**base, "action": "ask", "text": "Wie helpt?", "first_name": "Ans"}
        ).status_code
        == 302
    )
    question = LiveQuestion.objects.get()
    assert question.first_name == "Ans" and len(question.participant) == 64
    assert (
        client.post(url, {**base, "action": "upvote", "question": question.pk}).status_code == 302
    )
    assert question.upvotes.count() == 1
    assert "Wie helpt?" in client.get(url).text
    # Another phone cannot delete it.
    other = Client()
    other.get(url)
    assert other.post(url, {**base, "action": "delete", "question": question.pk}).status_code == 400
    assert (
        client.post(url, {**base, "action": "delete", "question": question.pk}).status_code == 302
    )
    assert not LiveQuestion.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "ask", "text": "x" * 301},
        {"action": "ask", "text": "a\x00b"},
        {"action": "ask", "text": "Vraag", "first_name": "y" * 41},
        {"action": "ask", "text": ""},
        {"action": "ask", "text": "Vraag", "homepage": "http://spam.example"},
        {"action": "upvote", "question": "abc"},
        {"action": "upvote", "question": "99999999999999999999"},
        {"action": "delete", "question": ["1", "2"]},
        {"action": "launch"},
        {"action": "vote", "option": "1"},
    ],
)
def test_bad_input_on_the_question_wall_is_a_clear_4xx(client, event, wall, data):
    services.live_round_open(round=wall)
    url = _live_url(event)
    answer = client.post(url, {"round": wall.pk, **data})
    assert 400 <= answer.status_code < 500
    assert 'class="live-error"' in answer.text or 'class="errorlist"' in answer.text
    assert not LiveQuestion.objects.exists()


@pytest.mark.parametrize(
    "ballot", [{"option": "x"}, {"option": "1.5"}, {"option": "\x00"}, {}, {"option": ["x", "y"]}]
)
def test_bad_votes_are_a_clear_4xx(client, event, poll, ballot):
    answer = client.post(_live_url(event), {"action": "vote", "round": poll.pk, **ballot})
    assert answer.status_code == 400
    assert 'class="errorlist"' in answer.text or 'class="live-error"' in answer.text
    assert not LiveVote.objects.exists()


def test_a_forged_option_from_another_round_is_a_4xx(client, event, poll):
    other = services.live_round_create(event=event, kind="one_choice", title="B", options="XY")
    forged = other.options.first().pk
    answer = client.post(_live_url(event), {"action": "vote", "round": poll.pk, "option": forged})
    assert answer.status_code == 400
    assert not LiveVote.objects.exists()


def test_a_vote_for_a_round_that_closed_meanwhile_says_so(client, event, poll):
    option = poll.options.first().pk
    services.live_round_close(round=poll)
    answer = client.post(_live_url(event), {"action": "vote", "round": poll.pk, "option": option})
    assert answer.status_code == 409
    assert 'class="live-error"' in answer.text


def test_points_over_budget_on_the_page_is_a_4xx(client, event):
    round_ = services.live_round_create(
        event=event, kind="points", title="Verdeel", options="AB", points_budget=3
    )
    services.live_round_open(round=round_)
    a, b = round_.options.values_list("pk", flat=True)
    data = {"action": "vote", "round": round_.pk, f"points_{a}": 2, f"points_{b}": 2}
    assert client.post(_live_url(event), data).status_code == 400
    data[f"points_{b}"] = 1
    assert client.post(_live_url(event), data).status_code == 302
    assert sorted(LiveVote.objects.values_list("points", flat=True)) == [1, 2]


def test_open_question_answers_are_listed(client, event):
    round_ = services.live_round_create(event=event, kind="open", title="Eén woord")
    services.live_round_open(round=round_)
    url = _live_url(event)
    client.get(url)
    assert (
        client.post(url, {"action": "answer", "round": round_.pk, "text": "nabuur"}).status_code
        == 302
    )
    assert "nabuur" in client.get(url).text


def test_draft_meetings_have_no_live_page(client, make_event):
    draft = make_event(status="draft")
    assert client.get(_live_url(draft)).status_code == 404


def test_participant_page_in_english(client, event, wall):
    services.live_round_open(round=wall)
    client.cookies["django_language"] = "en"
    page = client.get(_live_url(event))
    assert 'lang="en"' in page.text and "Send question" in page.text


def _static_bytes(url: str) -> int:
    path = finders.find(url.removeprefix(settings.STATIC_URL).split("?")[0])
    assert path, url
    with open(path, "rb") as handle:
        return len(handle.read())


def test_participant_page_first_load_is_light(client, event, poll):
    """HTML plus every stylesheet and script it loads, uncompressed: at most 60 KB."""
    page = client.get(_live_url(event))
    html = page.content
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    assert assets, "the page loads its stylesheet"
    total = len(html) + sum(_static_bytes(asset.decode()) for asset in assets)
    assert total <= 60 * 1024, total


# The organisers' page


@pytest.fixture
def team(make_user, make_member, organisation):
    organiser = make_user("live-organiser", email="organiser@example.org")
    door = make_user("live-door", email="door@example.org")
    make_member(organiser, organisation, "organiser")
    make_member(door, organisation, "door")
    return {"organiser": organiser, "door": door}


def _manage_url(event):
    return reverse("events:live_manage", kwargs={"slug": event.slug})


def test_door_volunteers_get_403_on_the_organisers_live_page(client, event, team):
    client.force_login(team["door"])
    assert client.get(_manage_url(event)).status_code == 403
    assert client.post(_manage_url(event), {"action": "from_programme"}).status_code == 403


def test_organisers_prepare_open_and_close_rounds(client, event, team):
    client.force_login(team["organiser"])
    url = _manage_url(event)
    page = client.get(url)
    assert page.status_code == 200 and event.slug in page.text
    answer = client.post(
        url,
        {
            "action": "create",
            "kind": "one_choice",
            "title": "Wat eerst?",
            "options": "Wonen\nZorg\n\n",
            "points_budget": 10,
        },
    )
    assert answer.status_code == 302
    poll = LiveRound.objects.get()
    assert list(poll.options.values_list("label", flat=True)) == ["Wonen", "Zorg"]
    assert client.post(url, {"action": "open", "round": poll.pk}).status_code == 302
    client.post(
        url, {"action": "create", "kind": "questions", "title": "Vragen", "points_budget": 10}
    )
    wall = LiveRound.objects.get(kind="questions")
    client.post(url, {"action": "open", "round": wall.pk})
    assert list(LiveRound.objects.filter(state="open")) == [wall]
    assert client.post(url, {"action": "close", "round": wall.pk}).status_code == 302
    assert not LiveRound.objects.filter(state="open").exists()


@pytest.mark.parametrize(
    "data",
    [
        {
            "action": "create",
            "kind": "one_choice",
            "title": "Eén optie",
            "options": "A",
            "points_budget": 10,
        },
        {"action": "create", "kind": "nonsense", "title": "X", "points_budget": 10},
        {"action": "create", "kind": "questions", "title": "x\x00", "points_budget": 10},
        {
            "action": "create",
            "kind": "points",
            "title": "P",
            "options": "A\nB",
            "points_budget": "veel",
        },
        {"action": "open", "round": "abc"},
        {"action": "open", "round": "999999"},
        {"action": "moderate", "question": "1", "do": "explode"},
        {"action": "fly"},
        {"action": "from_programme"},  # no sessions or pitches in the programme
    ],
)
def test_bad_organiser_input_is_a_4xx(client, event, team, data):
    client.force_login(team["organiser"])
    answer = client.post(_manage_url(event), data)
    assert 400 <= answer.status_code < 500
    assert "alert" in answer.text or "errorlist" in answer.text
    assert not LiveRound.objects.exists()


def test_organisers_moderate_and_merge_questions(client, event, team, wall):
    wall.moderated = True
    wall.save()
    services.live_round_open(round=wall)
    one = services.live_question_ask(round=wall, participant=ME, text="Eerste vraag")
    two = services.live_question_ask(round=wall, participant=YOU, text="Tweede vraag")
    client.force_login(team["organiser"])
    url = _manage_url(event)
    assert (
        client.post(url, {"action": "moderate", "question": one.pk, "do": "approve"}).status_code
        == 302
    )
    client.post(url, {"action": "moderate", "question": two.pk, "do": "merge", "into": one.pk})
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.state == "visible" and two.merged_into == one and two.state == "hidden"
    client.post(url, {"action": "moderate", "question": one.pk, "do": "answered"})
    one.refresh_from_db()
    assert one.state == "answered"


def test_one_click_poll_from_the_programme(client, event, team):
    ProgrammeItem.objects.create(event=event, start_time="10:00", title="Opening", kind="plenary")
    ProgrammeItem.objects.create(event=event, start_time="11:00", title="Wonen", kind="breakout")
    ProgrammeItem.objects.create(event=event, start_time="11:00", title="Vervoer", kind="pitch")
    client.force_login(team["organiser"])
    assert "from_programme" in client.get(_manage_url(event)).text
    assert client.post(_manage_url(event), {"action": "from_programme"}).status_code == 302
    poll = LiveRound.objects.get()
    assert list(poll.options.values_list("label", flat=True)) == ["Wonen", "Vervoer"]


def test_organiser_page_shows_the_qr_and_join_link(client, event, team):
    client.force_login(team["organiser"])
    page = client.get(_manage_url(event)).text
    assert reverse("events:live_qr", kwargs={"slug": event.slug}) in page
    assert reverse("events:live", kwargs={"slug": event.slug}) in page
    qr = client.get(reverse("events:live_qr", kwargs={"slug": event.slug}))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"


# The projector


def _screen(client, event):
    full = client.get(reverse("events:live_screen", kwargs={"slug": event.slug}))
    part = client.get(reverse("events:live_screen_part", kwargs={"slug": event.slug}))
    assert full.status_code == 200 and part.status_code == 200
    return full.text, part.text


def test_projector_shows_only_visible_questions_and_never_an_email(
    client, event, registration, wall
):
    wall.moderated = True
    wall.save()
    services.live_round_open(round=wall)
    services.live_question_ask(round=wall, participant=ME, text="Nog niet goedgekeurd")
    shown = services.live_question_ask(
        round=wall, participant=ME, text="Goedgekeurde vraag", first_name="Ans"
    )
    hidden = services.live_question_ask(round=wall, participant=YOU, text="Verborgen vraag")
    services.live_question_moderate(question=shown, action="approve")
    services.live_question_moderate(question=hidden, action="hide")
    event.organisation.contact_email = "team@example.org"
    event.organisation.save()
    typed = services.live_question_ask(round=wall, participant=ME, text="Mail ans@example.org")
    services.live_question_moderate(question=typed, action="approve")
    for text in _screen(client, event):
        assert "Goedgekeurde vraag" in text and "Ans" in text
        assert "Nog niet goedgekeurd" not in text and "Verborgen vraag" not in text
        assert "@" not in text.replace("@media", "")
        assert registration.email not in text


def test_projector_polls_its_partial_every_two_seconds(client, event, poll):
    full, part = _screen(client, event)
    assert 'hx-trigger="every 2s"' in full and "htmx.min.js" in full
    assert reverse("events:live_qr", kwargs={"slug": event.slug}) in full
    assert "<progress" in part and "Wonen" in part


def test_projector_keeps_hidden_results_until_the_poll_closes(client, event):
    round_ = services.live_round_create(
        event=event, kind="one_choice", title="Geheim", options="AB", results_hidden=True
    )
    services.live_round_open(round=round_)
    services.live_vote(round=round_, participant=ME, choices={round_.options.first().pk: 1})
    assert "<progress" not in _screen(client, event)[1]
    round_.results_hidden = True
    services.live_round_close(round=round_)
    # Closed: no longer the open round, so the screen shows the waiting text.
    assert "<progress" not in _screen(client, event)[1]


def test_one_phone_is_rate_limited_but_not_the_hall_behind_one_address(
    client, event, wall, settings
):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_LIVE_PER_PARTICIPANT = "3/m"
    services.live_round_open(round=wall)
    url = _live_url(event)
    client.get(url)
    data = {"action": "ask", "round": wall.pk, "text": "Nog een vraag"}
    assert [client.post(url, data).status_code for _ in range(4)] == [302, 302, 302, 429]
    neighbour = Client()
    neighbour.get(url)  # the same Wi-Fi address, another phone
    assert neighbour.post(url, data).status_code == 302


def test_the_event_page_links_the_live_page_while_a_round_is_open(client, event, poll):
    live = reverse("events:live", args=[event.slug])
    assert f'href="{live}"' in client.get(event.get_absolute_url()).text
    services.live_round_close(round=poll)
    assert f'href="{live}"' not in client.get(event.get_absolute_url()).text
