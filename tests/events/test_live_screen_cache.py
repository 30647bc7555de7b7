"""The projector's partial comes from the cache, and every live write reaches it at once.

The writes go through the real pages and commit for real (`transaction=True`): the screen
version is bumped on commit, so a test inside one rolled-back transaction would never see
it. The partial's lifetime is made long here, so only the bump can make it fresh.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from events import services
from events.models import LiveQuestion, LiveUpvote, LiveVote
from events.services import live as live_services
from events.views import live as live_views

pytestmark = pytest.mark.django_db(transaction=True)

ME = "a" * 64


@pytest.fixture(autouse=True)
def _long_lived_partial(monkeypatch):
    monkeypatch.setattr(live_views, "SCREEN_CACHE_SECONDS_LOCAL", 600)
    monkeypatch.setattr(live_views, "SCREEN_CACHE_SECONDS", 600)


@pytest.fixture
def screen(event):
    """The projector's partial, as htmx asks for it, in English."""
    watcher = Client()
    watcher.cookies["django_language"] = "en"
    url = reverse("events:live_screen_part", kwargs={"slug": event.slug})

    def get() -> str:
        response = watcher.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200
        return response.text

    return get


@pytest.fixture
def phone(event):
    """A participant's phone: it loads the page (cookies), then posts its forms."""
    client = Client()
    url = reverse("events:live", kwargs={"slug": event.slug})
    client.get(url)

    def post(**data):
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:500]
        return response

    return post


@pytest.fixture
def organiser_post(client, organiser, event):
    client.force_login(organiser)
    url = reverse("events:live_manage", kwargs={"slug": event.slug})

    def post(**data):
        response = client.post(url, data)
        assert response.status_code == 302
        return response

    return post


@pytest.fixture
def poll(event):
    round_ = services.live_round_create(
        event=event, kind="one_choice", title="Which first?", options=["Housing", "Care"]
    )
    return services.live_round_open(round=round_)


@pytest.fixture
def wall(event):
    round_ = services.live_round_create(event=event, kind="questions", title="Questions")
    return services.live_round_open(round=round_)


def _results(html: str) -> list[str]:
    return [part.split("</strong>")[0] for part in html.split("<strong>")[1:]]


def test_a_vote_shows_on_the_next_poll(screen, phone, poll):
    housing, care = poll.options.values_list("pk", flat=True)
    assert "0 votes" in screen()
    assert "0 votes" in screen()  # from the cache
    phone(action="vote", round=poll.pk, option=housing)
    after = screen()
    assert "1 vote" in after and _results(after) == ["1", "0"]
    phone(action="vote", round=poll.pk, option=care)  # a changed vote
    assert _results(screen()) == ["0", "1"]


def test_without_the_bump_the_partial_would_stay_as_it_was(screen, phone, poll, monkeypatch):
    """Proof that the partial is cached, and that the bump is what makes it fresh."""
    monkeypatch.setattr(live_services, "live_screen_changed", lambda **kwargs: None)
    assert "0 votes" in screen()
    phone(action="vote", round=poll.pk, option=poll.options.first().pk)
    assert LiveVote.objects.count() == 1
    assert "0 votes" in screen()


def test_a_question_and_an_upvote_show_on_the_next_poll(screen, phone, wall):
    assert "Ask your question on your phone" in screen()
    phone(action="ask", round=wall.pk, text="Who pays for the minibus?", first_name="Ans")
    assert "Who pays for the minibus?" in screen() and "▲ 0" in screen()
    question = LiveQuestion.objects.get()
    phone(action="upvote", round=wall.pk, question=question.pk)
    assert LiveUpvote.objects.count() == 1 and "▲ 1" in screen()
    phone(action="delete", round=wall.pk, question=question.pk)
    assert "Who pays for the minibus?" not in screen()


def test_moderation_shows_on_the_next_poll(screen, phone, organiser_post, wall):
    wall.moderated = True
    wall.save()
    phone(action="ask", round=wall.pk, text="Waiting question")
    assert "Waiting question" not in screen()
    question = LiveQuestion.objects.get()
    organiser_post(action="moderate", question=question.pk, do="approve")
    assert "Waiting question" in screen()
    organiser_post(action="moderate", question=question.pk, do="answered")
    assert "(answered)" in screen()
    organiser_post(action="moderate", question=question.pk, do="hide")
    assert "Waiting question" not in screen()


def test_open_close_update_and_delete_show_on_the_next_poll(screen, organiser_post, event):
    round_ = services.live_round_create(
        event=event, kind="one_choice", title="First poll", options=["A", "B"]
    )
    assert "First poll" not in screen()  # a draft
    organiser_post(action="open", round=round_.pk)
    assert "First poll" in screen()
    organiser_post(action="hide_results", round=round_.pk)
    assert "The results are shown when the poll closes" in screen()
    organiser_post(action="show_results", round=round_.pk)
    assert "<progress" in screen()
    organiser_post(
        action="update",
        round=round_.pk,
        **{
            f"r{round_.pk}-kind": "one_choice",
            f"r{round_.pk}-title": "Renamed poll",
            f"r{round_.pk}-points_budget": 10,
        },
    )
    assert "Renamed poll" in screen()
    organiser_post(action="close", round=round_.pk)
    part = screen()
    assert "Renamed poll" not in part and event.title in part
    organiser_post(action="open", round=round_.pk)
    assert "Renamed poll" in screen()
    organiser_post(action="delete", round=round_.pk)
    assert "Renamed poll" not in screen()


def test_an_answer_shows_on_the_next_poll(screen, phone, event):
    round_ = services.live_round_create(event=event, kind="open", title="One word")
    services.live_round_open(round=round_)
    assert "Send your answer from your phone" in screen()
    phone(action="answer", round=round_.pk, text="neighbours")
    assert "neighbours" in screen()


def test_a_refused_write_leaves_the_version_alone(event, poll):
    before = live_services.live_screen_version(event_id=event.pk)
    with pytest.raises(services.LiveError):
        services.live_vote(round=poll, participant=ME, choices={10**9: 1})
    assert live_services.live_screen_version(event_id=event.pk) == before
    services.live_vote(round=poll, participant=ME, choices={poll.options.first().pk: 1})
    assert live_services.live_screen_version(event_id=event.pk) > before


def test_each_language_has_its_own_partial(event, poll):
    url = reverse("events:live_screen_part", kwargs={"slug": event.slug})
    dutch, english = Client(), Client()
    english.cookies["django_language"] = "en"
    dutch.cookies["django_language"] = "nl"
    assert 'lang="' not in dutch.get(url).text  # a fragment, not a page
    assert "0 votes" in english.get(url).text
    assert "0 votes" not in dutch.get(url).text


def test_the_screen_page_embeds_the_cached_partial_as_html(client, event, poll):
    url = reverse("events:live_screen", kwargs={"slug": event.slug})
    for _ in range(2):  # rendered, then from the cache
        page = client.get(url)
        assert "<h1><bdi>Which first?</bdi></h1>" in page.text and "&lt;h1&gt;" not in page.text


def test_the_partial_is_never_cached_by_browsers(client, event, poll):
    for name in ("events:live_screen", "events:live_screen_part"):
        response = client.get(reverse(name, kwargs={"slug": event.slug}))
        assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


# Constant query count


def _queries(client, url) -> int:
    statements = []

    # Counted as the database is asked: the test client resets Django's own query log.
    def count(run, sql, *args):
        statements.append(sql)
        return run(sql, *args)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    return len(statements)


def _partial_queries(event) -> tuple[int, int]:
    """(queries right after a change, queries of the next poll)."""
    live_services.live_screen_changed(event_id=event.pk)
    client = Client()
    url = reverse("events:live_screen_part", kwargs={"slug": event.slug})
    return _queries(client, url), _queries(client, url)


def _votes(poll, first: int, count: int) -> None:
    options = list(poll.options.values_list("pk", flat=True))
    LiveVote.objects.bulk_create(
        LiveVote(round=poll, option_id=options[n % 2], participant=f"{n:064d}")
        for n in range(first, first + count)
    )


def test_a_poll_costs_the_same_queries_at_3_and_300_votes(event, poll):
    _votes(poll, 0, 3)
    small = _partial_queries(event)
    _votes(poll, 3, 297)
    large = _partial_queries(event)
    assert small == large
    assert small[1] == 1  # the meeting; the rest comes from the cache


def test_a_question_wall_costs_the_same_queries_at_2_and_100_questions(event, wall):
    def ask(first, count):
        questions = LiveQuestion.objects.bulk_create(
            LiveQuestion(round=wall, participant=f"{n:064d}", text=f"Question {n}")
            for n in range(first, first + count)
        )
        LiveUpvote.objects.bulk_create(
            LiveUpvote(question=question, participant=f"{m:064d}")
            for question in questions
            for m in range(3)
        )

    ask(0, 2)
    small = _partial_queries(event)
    ask(2, 98)
    large = _partial_queries(event)
    assert small == large and small[1] == 1


def test_the_screen_page_costs_the_same_queries_at_any_size(event, poll):
    client = Client()
    url = reverse("events:live_screen", kwargs={"slug": event.slug})
    _votes(poll, 0, 3)
    live_services.live_screen_changed(event_id=event.pk)
    small = _queries(client, url)
    _votes(poll, 3, 297)
    live_services.live_screen_changed(event_id=event.pk)
    assert _queries(client, url) == small
