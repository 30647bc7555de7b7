"""The insight page's charts: sign-ups over time, backgrounds, check-ins and answers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import selectors, services
from events.models import Question, QuestionChoice, Registration


def insight_url(event) -> str:
    return reverse("events:insight", args=[event.slug])


def sign_up(event, n, *, days_ago=0, **fields):
    registration = services.registration_create(
        event=event, name=f"Bewoner {n}", email=f"b{n}@example.org", **fields
    ).registration
    Registration.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return registration


@pytest.fixture
def english(client, organiser):
    client.cookies["django_language"] = "en"
    client.force_login(organiser)
    return client


def test_people_by_day_is_a_running_total_of_the_people_with_a_place(event):
    sign_up(event, 1, days_ago=3, party_size=2)
    sign_up(event, 2, days_ago=1)
    gone = sign_up(event, 3, days_ago=1)
    services.registration_cancel(registration=gone)
    figures = selectors.event_insight(event=event)
    totals = [total for _, total in figures.people_by_day]
    # From the first sign-up to today (the meeting is still to come), every day.
    assert totals == [2, 2, 3, 3]
    assert figures.people_by_day[-1][0] == timezone.localdate()
    assert [row["total"] for row in figures.signups] == [2, 3]


def test_people_by_day_ends_at_a_past_meeting(make_ended_event):
    event = make_ended_event(days=2)
    sign_up(event, 1, days_ago=5)
    days = [day for day, _ in selectors.event_insight(event=event).people_by_day]
    assert days[0] == timezone.localdate() - timedelta(days=5)
    assert days[-1] == timezone.localdate(event.starts_at)


def test_people_by_day_leaves_out_the_waiting_list(make_event):
    event = make_event(capacity=1)
    sign_up(event, 1, days_ago=1)
    sign_up(event, 2)  # waiting list
    assert [total for _, total in selectors.event_insight(event=event).people_by_day] == [1, 1]


def test_the_insight_page_draws_its_charts_beside_the_tables(english, event):
    sign_up(event, 1, days_ago=2, background="bewoner")
    sign_up(event, 2, background="mantelzorger", party_size=2)
    page = english.get(insight_url(event)).text
    assert page.count('role="img"') == 3  # check-ins, backgrounds, sign-ups
    assert '<title id="chart-signups-title">' in page
    assert "Sign-ups rose to 3 of 10 places by" in page
    assert 'class="chart-capacity"' in page and "10 places" in page
    assert '<title id="chart-backgrounds-title">Registrations by background</title>' in page
    assert '<title id="chart-checkin-title">Checked in</title>' in page
    assert "0 of 3 checked in (0%)" in page
    # The tables stay: the full text alternative.
    assert '<caption class="visually-hidden">Sign-ups per day</caption>' in page
    assert "People with a place, in total" in page
    assert 'scope="row">resident</th>' in page


def test_without_a_capacity_there_is_no_capacity_line(english, make_event, organiser):
    event = make_event(capacity=None)
    sign_up(event, 1)
    page = english.get(insight_url(event)).text
    assert "Sign-ups rose to 1 person by" in page
    assert 'class="chart-capacity"' not in page


def test_without_sign_ups_the_page_shows_no_empty_charts(english, event):
    response = english.get(insight_url(event))
    assert response.status_code == 200
    assert 'role="img"' not in response.text
    assert "No registrations yet." in response.text


def test_choice_questions_get_bars_and_hostile_labels_stay_text(english, event):
    question = Question.objects.create(
        event=event, label="<script>alert(1)</script> Welke?", kind=Question.Kind.ONE_CHOICE
    )
    walk = QuestionChoice.objects.create(question=question, label="<b>Wandelen</b>", position=1)
    QuestionChoice.objects.create(question=question, label="Moestuin", position=2)
    services.registration_create(
        event=event,
        name="Ans",
        email="ans@example.org",
        answers=[services.AnswerValue(question, choices=[walk])],
    )
    page = english.get(insight_url(event)).text
    assert f'<title id="chart-question-{question.pk}-title">' in page
    assert "Most chosen: &lt;b&gt;Wandelen&lt;/b&gt;, by 1 person." in page
    assert "<script>alert(1)</script>" not in page and "<b>Wandelen</b>" not in page


def test_the_charts_add_no_queries_per_attendee(client, event, organiser):
    client.force_login(organiser)
    for n in range(2):
        sign_up(event, n, days_ago=n)
    client.get(insight_url(event))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(insight_url(event))
    event.capacity = 100
    event.save()
    for n in range(2, 30):
        sign_up(event, n, days_ago=n % 9, party_size=1 + n % 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(insight_url(event))
    assert response.status_code == 200
    assert len(many) <= len(few)
