"""A meeting's own sign-up questions: shown as asked, checked as shown, places per answer."""

import pytest

from events import selectors, services
from events.models import Answer, Question, QuestionChoice, Registration


@pytest.fixture
def workshop(event):
    """ "Which workshop?" (one with 2 places), and a diet question shown only for lunch."""
    which = Question.objects.create(
        event=event, position=1, label="Welke workshop?", kind="one_choice", required=True
    )
    small = QuestionChoice.objects.create(question=which, label="Moestuin", capacity=2)
    large = QuestionChoice.objects.create(question=which, label="Wandelen")
    lunch = Question.objects.create(event=event, position=2, label="Eet je mee?", kind="choices")
    yes_lunch = QuestionChoice.objects.create(question=lunch, label="Lunch")
    diet = Question.objects.create(
        event=event, position=3, label="Dieet", kind="short_text", required=True, show_if=yes_lunch
    )
    return {
        "which": which,
        "small": small,
        "large": large,
        "lunch": lunch,
        "yes": yes_lunch,
        "diet": diet,
    }


def post(client, event, **answers):
    data = {"name": "Ans", "email": answers.pop("email", "ans@example.org"), **answers}
    return client.post(event.get_absolute_url(), data)


def test_the_form_shows_the_questions_with_places_left(client, event, workshop):
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Welke workshop?" in page and "Moestuin (2 plaatsen over)" in page
    assert f'data-show-if-value="{workshop["yes"].pk}"' in page


def test_answers_are_stored(client, event, workshop):
    response = post(
        client,
        event,
        **{
            f"question_{workshop['which'].pk}": workshop["small"].pk,
            f"question_{workshop['lunch'].pk}": [workshop["yes"].pk],
            f"question_{workshop['diet'].pk}": "vegetarisch",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    answers = {a.question.label: a for a in selectors.registration_answers(registration)}
    assert answers["Welke workshop?"].choices == [workshop["small"]]
    assert answers["Dieet"].text == "vegetarisch"


def test_a_hidden_required_question_is_not_required_and_its_answer_is_dropped(
    client, event, workshop
):
    response = post(
        client,
        event,
        **{
            f"question_{workshop['which'].pk}": workshop["large"].pk,
            f"question_{workshop['diet'].pk}": "komt niet mee, maar typt toch",
        },
    )
    assert response.status_code == 302
    assert not Answer.objects.filter(question=workshop["diet"]).exists()


def test_a_shown_required_question_must_be_answered(client, event, workshop):
    response = post(
        client,
        event,
        **{
            f"question_{workshop['which'].pk}": workshop["large"].pk,
            f"question_{workshop['lunch'].pk}": [workshop["yes"].pk],
        },
    )
    assert response.status_code == 400
    assert "Geef een antwoord op deze vraag." in response.content.decode()
    assert not Registration.objects.exists()


def test_a_required_question_left_empty_is_a_400(client, event, workshop):
    assert post(client, event).status_code == 400
    assert not Registration.objects.exists()


def test_a_forged_choice_is_refused_with_a_400(client, event, workshop):
    other = QuestionChoice.objects.create(question=workshop["lunch"], label="Anders")
    response = post(client, event, **{f"question_{workshop['which'].pk}": other.pk})
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_full_answer_refuses_with_a_clear_message(client, event, workshop):
    for n in range(2):
        services.registration_create(
            event=event,
            name=f"P{n}",
            email=f"p{n}@example.org",
            answers=[services.AnswerValue(workshop["which"], choices=[workshop["small"]])],
        )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Moestuin (vol)" in page
    response = post(client, event, **{f"question_{workshop['which'].pk}": workshop["small"].pk})
    assert response.status_code == 400
    assert "geen plaatsen meer" in response.content.decode()
    assert "Moestuin (vol)" in response.content.decode()
    assert Registration.objects.count() == 2


def test_answers_of_another_meeting_are_refused_by_the_service(event, make_event, workshop):
    other = make_event()
    with pytest.raises(services.RegistrationError) as error:
        services.registration_create(
            event=other,
            name="X",
            email="x@example.org",
            answers=[services.AnswerValue(workshop["which"], choices=[workshop["large"]])],
        )
    assert error.value.code == "invalid_answer"


def test_erasing_keeps_plain_choices_and_drops_typed_and_sensitive_answers(event, workshop):
    health = Question.objects.create(event=event, label="Rolstoel?", kind="yes_no", sensitive=True)
    signup = services.registration_create(
        event=event,
        name="Ans",
        email="ans@example.org",
        answers=[
            services.AnswerValue(workshop["which"], choices=[workshop["large"]]),
            services.AnswerValue(workshop["lunch"], choices=[workshop["yes"]]),
            services.AnswerValue(workshop["diet"], text="glutenvrij"),
            services.AnswerValue(health, text="yes"),
        ],
    )
    services.registration_erase(registration=signup.registration)
    left = set(Answer.objects.values_list("question__label", flat=True))
    assert left == {"Welke workshop?", "Eet je mee?"}


def test_questions_add_no_statement_under_the_lock_when_no_answer_has_a_limit(
    client, event, workshop
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    QuestionChoice.objects.filter(capacity__isnull=False).update(capacity=None)
    with CaptureQueriesContext(connection) as queries:
        post(client, event, **{f"question_{workshop['which'].pk}": workshop["large"].pk})
    sums = [q["sql"] for q in queries if "SUM(" in q["sql"]]
    assert len(sums) == 1  # the meeting's own places; no count per answer


def test_the_page_reads_conditional_questions_in_a_fixed_number_of_queries(
    client, event, workshop, django_assert_max_num_queries
):
    for n in range(5):
        Question.objects.create(
            event=event,
            position=10 + n,
            label=f"Extra {n}",
            kind="short_text",
            show_if=workshop["yes"],
        )
    # The event with its confirmed count, programme, hosts, questions, their answers to
    # choose, and the places taken per limited answer: none per question.
    with django_assert_max_num_queries(6):
        page = client.get(event.get_absolute_url()).content.decode()
    assert page.count(f'data-show-if-value="{workshop["yes"].pk}"') == 6


def test_a_limited_answer_is_counted_with_the_places_in_one_statement(client, event, workshop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = post(client, event, **{f"question_{workshop['which'].pk}": workshop["small"].pk})
    assert response.status_code == 302
    sums = [q["sql"] for q in queries if "SUM(" in q["sql"]]
    assert len(sums) == 1  # the meeting's places and the workshop's, together


def test_promotion_from_the_waiting_list_drops_an_answer_that_filled_up(event, workshop):
    """Like a full session: the place at the meeting matters more than the workshop."""
    event.capacity = 2
    event.save()

    def sign_up(n, choice):
        return services.registration_create(
            event=event,
            name=f"P{n}",
            email=f"p{n}@example.org",
            answers=[services.AnswerValue(workshop["which"], choices=[choice])],
        ).registration

    first = sign_up(0, workshop["small"])
    sign_up(1, workshop["large"])
    waiting_small = sign_up(2, workshop["small"])  # the meeting is full: waiting list
    waiting_large = sign_up(3, workshop["large"])
    assert waiting_small.status == waiting_large.status == "waitlist"
    # Another sign-up fills the workshop's second place after a confirmed one cancels.
    services.registration_cancel(registration=first)
    waiting_small.refresh_from_db()
    assert waiting_small.status == "confirmed"
    assert [waiting_small.answers.get().choice] == [workshop["small"]]

    QuestionChoice.objects.filter(pk=workshop["small"].pk).update(capacity=1)
    services.registration_cancel(registration=Registration.objects.get(email="p1@example.org"))
    waiting_large.refresh_from_db()
    assert waiting_large.status == "confirmed"  # "Wandelen" has no limit: kept
    assert [waiting_large.answers.get().choice] == [workshop["large"]]

    # Now one waiting for the full "Moestuin" (1 place, taken) gets the place without it.
    late = services.registration_create(
        event=event,
        name="P4",
        email="p4@example.org",
        answers=[services.AnswerValue(workshop["which"], choices=[workshop["small"]])],
    ).registration
    assert late.status == "waitlist"
    services.registration_cancel(registration=waiting_large)
    late.refresh_from_db()
    assert late.status == "confirmed"
    assert not late.answers.exists()  # the full answer dropped; they may choose another
