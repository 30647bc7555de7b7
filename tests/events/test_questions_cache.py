"""The sign-up form's questions come from the cache, and every change reaches it at once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import selectors, services
from events.models import Event, Question, QuestionChoice, Registration
from events.services.questions import question_save


@pytest.fixture
def which(event):
    question = Question.objects.create(
        event=event, position=1, label="Welke workshop?", kind="one_choice", required=True
    )
    QuestionChoice.objects.create(question=question, label="Moestuin", capacity=2)
    QuestionChoice.objects.create(question=question, label="Wandelen")
    return question


def post(client, event, n=0, **answers):
    data = {"name": f"Ans {n}", "email": f"ans{n}@example.org", **answers}
    return client.post(event.get_absolute_url(), data)


def field(question):
    return f"question_{question.pk}"


def version(event):
    return Event.objects.values_list("questions_version", flat=True).get(pk=event.pk)


def test_a_second_sign_up_reads_no_question_from_the_database(client, event, which):
    walk = which.choices.get(label="Wandelen")
    assert post(client, event, 1, **{field(which): walk.pk}).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert post(client, event, 2, **{field(which): walk.pk}).status_code == 302
    read = [q["sql"] for q in queries if "events_question" in q["sql"].split(" WHERE")[0]]
    assert read == []
    assert Registration.objects.filter(answers__choice=walk).count() == 2


@pytest.mark.parametrize(
    "change",
    ["save", "delete", "choice_save", "choice_delete", "choice_add", "service_save"],
)
def test_every_change_raises_the_version(event, which, change):
    before = version(event)
    choice = which.choices.get(label="Wandelen")
    if change == "save":
        which.label = "Welke?"
        which.save()
    elif change == "delete":
        which.delete()
    elif change == "choice_save":
        choice.capacity = 1
        choice.save()
    elif change == "choice_delete":
        choice.delete()
    elif change == "choice_add":
        QuestionChoice.objects.create(question=which, label="Koken")
    else:
        question_save(question=which, choices=[choice], choices_removed=[])
    assert version(event) > before


def test_a_question_added_after_the_form_was_cached_is_asked(client, event, which):
    walk = which.choices.get(label="Wandelen")
    assert post(client, event, 1, **{field(which): walk.pk}).status_code == 302
    diet = Question.objects.create(
        event=event, position=2, label="Dieet", kind="short_text", required=True
    )
    response = post(client, event, 2, **{field(which): walk.pk})
    assert response.status_code == 400
    assert "Dieet" in response.content.decode()
    assert (
        post(client, event, 2, **{field(which): walk.pk, field(diet): "halal"}).status_code == 302
    )


def test_a_removed_answer_is_refused_after_the_form_was_cached(client, event, which):
    walk = which.choices.get(label="Wandelen")
    assert post(client, event, 1, **{field(which): walk.pk}).status_code == 302
    walk_pk = walk.pk
    question_save(question=which, choices=[], choices_removed=[walk])
    assert post(client, event, 2, **{field(which): walk_pk}).status_code == 400
    assert Registration.objects.count() == 1


def test_a_lowered_limit_counts_at_once(client, event, which):
    garden = which.choices.get(label="Moestuin")
    assert post(client, event, 1, **{field(which): garden.pk}).status_code == 302
    garden.capacity = 1
    garden.save()
    response = post(client, event, 2, **{field(which): garden.pk})
    assert response.status_code == 400
    assert Registration.objects.filter(answers__choice=garden).count() == 1


def test_a_copied_meeting_asks_its_own_questions(client, event, which):
    selectors.questions_cached(event)
    copy = services.event_duplicate(
        event=event, starts_at=event.starts_at + timedelta(days=7), slug="de-volgende"
    )
    copy.status = Event.Status.PUBLISHED
    copy.save()
    copy.refresh_from_db()
    questions = selectors.questions_cached(copy)
    assert [q.label for q in questions] == ["Welke workshop?"]
    assert {q.event_id for q in questions} == {copy.pk}
