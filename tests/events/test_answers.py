"""Answers to the sign-up questions, shown where organisers and attendees look for them."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events import selectors, services
from events.models import AccessLog, Answer, Question, QuestionChoice, Registration
from organisations.models import Role


@pytest.fixture
def questions(event):
    """A workshop with limited places, lunch (yes/no), a diet (sensitive), age, remarks."""
    workshop = Question.objects.create(
        event=event, position=1, label="Welke workshop?", kind="one_choice", required=True
    )
    garden = QuestionChoice.objects.create(question=workshop, label="Moestuin", capacity=2)
    walk = QuestionChoice.objects.create(question=workshop, label="Wandelen")
    extras = Question.objects.create(
        event=event, position=2, label="Wat neem je mee?", kind="choices"
    )
    chairs = QuestionChoice.objects.create(question=extras, label="Stoel")
    cake = QuestionChoice.objects.create(question=extras, label="Taart")
    lunch = Question.objects.create(event=event, position=3, label="Eet je mee?", kind="yes_no")
    diet = Question.objects.create(
        event=event, position=4, label="Dieet", kind="one_choice", sensitive=True
    )
    vegan = QuestionChoice.objects.create(question=diet, label="Veganistisch")
    age = Question.objects.create(event=event, position=5, label="Leeftijd", kind="number")
    remark = Question.objects.create(
        event=event, position=6, label="Opmerking", kind="short_text", show_if=cake
    )
    return {
        "workshop": workshop,
        "garden": garden,
        "walk": walk,
        "extras": extras,
        "chairs": chairs,
        "cake": cake,
        "lunch": lunch,
        "diet": diet,
        "vegan": vegan,
        "age": age,
        "remark": remark,
    }


def sign_up(event, q, *, email="ans@example.org", name="Ans de Vries", party_size=1, **extra):
    answers = [
        services.AnswerValue(q["workshop"], choices=[extra.get("workshop", q["garden"])]),
        services.AnswerValue(q["extras"], choices=extra.get("extras", [q["chairs"], q["cake"]])),
        services.AnswerValue(q["lunch"], text=extra.get("lunch", "yes")),
        services.AnswerValue(q["diet"], choices=[q["vegan"]]),
        services.AnswerValue(q["age"], number=extra.get("age", Decimal("70"))),
        services.AnswerValue(q["remark"], text=extra.get("remark", "=1+1")),
    ]
    return services.registration_create(
        event=event, name=name, email=email, party_size=party_size, answers=answers
    ).registration


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


# The ticket page and changing the answers ----------------------------------------------


def test_the_ticket_page_shows_the_attendees_own_answers(english, event, questions):
    registration = sign_up(event, questions)
    page = english.get(registration.get_absolute_url()).text
    assert "Your answers" in page
    assert "Welke workshop?" in page and "Moestuin" in page
    assert "Stoel, Taart" in page
    assert "Eet je mee?" in page and "Yes" in page
    assert "Veganistisch" in page  # their own sensitive answer: it is their page
    assert "70" in page and "70.00" not in page


def test_the_ticket_page_without_questions_has_no_answers_block(english, registration):
    assert "Your answers" not in english.get(registration.get_absolute_url()).text


def change_url(registration):
    return reverse("events:registration_change", args=[registration.management_token])


def change_data(q, **fields):
    data = {
        "party_size": "1",
        f"question_{q['workshop'].pk}": str(q["walk"].pk),
        f"question_{q['extras'].pk}": [str(q["chairs"].pk)],
        f"question_{q['lunch'].pk}": "no",
        f"question_{q['age'].pk}": "71.5",
    }
    data.update(fields)
    return data


def test_the_change_page_shows_the_answers_as_given(client, event, questions):
    registration = sign_up(event, questions)
    response = client.get(change_url(registration))
    form = response.context["form"]
    assert form[f"question_{questions['workshop'].pk}"].value() == str(questions["garden"].pk)
    assert form[f"question_{questions['extras'].pk}"].value() == [
        str(questions["chairs"].pk),
        str(questions["cake"].pk),
    ]
    assert form[f"question_{questions['lunch'].pk}"].value() == "yes"
    assert form[f"question_{questions['remark'].pk}"].value() == "=1+1"
    assert f'data-show-if-value="{questions["cake"].pk}"' in response.text
    assert f'for="id_question_{questions["age"].pk}"' in response.text


def test_changing_replaces_the_answers_and_drops_hidden_ones(client, event, questions):
    registration = sign_up(event, questions)
    # No cake any more: the remark is hidden, so it is not required and is dropped.
    data = change_data(questions, **{f"question_{questions['remark'].pk}": "nog steeds"})
    response = client.post(change_url(registration), data)
    assert response.status_code == 302
    answers = {a.question.label: a for a in selectors.registration_answers(registration)}
    assert answers["Welke workshop?"].choices == [questions["walk"]]
    assert answers["Wat neem je mee?"].choices == [questions["chairs"]]
    assert answers["Eet je mee?"].text == "no"
    assert answers["Leeftijd"].number == Decimal("71.5")
    assert "Opmerking" not in answers and "Dieet" not in answers
    assert Answer.objects.count() == 4


def test_a_required_question_stays_required(client, event, questions):
    registration = sign_up(event, questions)
    data = change_data(questions)
    del data[f"question_{questions['workshop'].pk}"]
    assert client.post(change_url(registration), data).status_code == 400
    assert registration.answers.get(question=questions["workshop"]).choice == (questions["garden"])


def test_a_forged_choice_is_refused(client, event, questions, make_event):
    registration = sign_up(event, questions)
    other = Question.objects.create(event=make_event(), label="Elders", kind="one_choice")
    elsewhere = QuestionChoice.objects.create(question=other, label="Elders")
    data = change_data(questions, **{f"question_{questions['workshop'].pk}": str(elsewhere.pk)})
    assert client.post(change_url(registration), data).status_code == 400
    assert registration.answers.get(question=questions["workshop"]).choice == (questions["garden"])


def test_a_full_choice_cannot_be_chosen_but_your_own_place_counts_as_yours(
    client, event, questions
):
    first = sign_up(event, questions, email="a@example.org", workshop=questions["walk"])
    sign_up(event, questions, email="b@example.org", party_size=2)  # the garden is full
    data = change_data(
        questions, **{f"question_{questions['workshop'].pk}": questions["garden"].pk}
    )
    response = client.post(change_url(first), data)
    assert response.status_code == 400
    assert first.answers.get(question=questions["workshop"]).choice == questions["walk"]

    # Someone who has a garden place keeps it when changing other answers.
    second = Registration.objects.get(email="b@example.org")
    data = change_data(
        questions,
        party_size="2",
        **{f"question_{questions['workshop'].pk}": questions["garden"].pk},
    )
    assert client.post(change_url(second), data).status_code == 302
    assert second.answers.get(question=questions["lunch"]).text == "no"


def test_the_service_checks_choice_places_with_the_own_place_excluded(event, questions):
    registration = sign_up(event, questions, party_size=2)  # takes both garden places
    answers = [services.AnswerValue(questions["workshop"], choices=[questions["garden"]])]
    services.registration_update(
        registration=registration, party_size=2, sessions=[], answers=answers
    )
    other = sign_up(event, questions, email="c@example.org", workshop=questions["walk"])
    with pytest.raises(services.RegistrationError) as error:
        services.registration_update(registration=other, party_size=1, sessions=[], answers=answers)
    assert error.value.code == "choice_full"


def test_answers_cannot_be_changed_after_sign_up_closes(client, event, questions):
    registration = sign_up(event, questions)
    event.registration_closes_at = timezone.now() - timedelta(minutes=1)
    event.save()
    page = client.get(change_url(registration))
    assert f"question_{questions['workshop'].pk}" not in page.text
    response = client.post(change_url(registration), change_data(questions))
    assert response.status_code == 302  # the party size may still change
    assert registration.answers.get(question=questions["lunch"]).text == "yes"
    with pytest.raises(services.RegistrationError) as error:
        services.registration_update(
            registration=registration, party_size=1, sessions=[], answers=[]
        )
    assert error.value.code == "closed"


# The attendee list ---------------------------------------------------------------------


def attendees_url(event):
    return reverse("events:attendees", args=[event.slug])


def test_the_attendee_list_shows_answers_but_sensitive_ones_only_with_needs(
    english, event, organiser, questions
):
    sign_up(event, questions)
    english.force_login(organiser)
    page = english.get(attendees_url(event)).text
    assert "Welke workshop?:</span> Moestuin" in page
    assert "Stoel, Taart" in page and "Yes" in page
    assert "Veganistisch" not in page
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW_NEEDS).exists()

    page = english.get(attendees_url(event) + "?needs=1").text
    assert "Dieet:</span> Veganistisch" in page
    assert AccessLog.objects.filter(user=organiser, action=AccessLog.Action.VIEW_NEEDS).count() == 1


def test_sensitive_answers_stay_hidden_for_whom_does_not_see_needs(
    client, event, make_user, make_member, questions, monkeypatch
):
    from events.views import attendees

    sign_up(event, questions)
    user = make_user("helper")
    make_member(user, event.organisation, Role.ORGANISER)
    monkeypatch.setattr(attendees, "user_sees_needs", lambda user, event: False)
    client.force_login(user)
    page = client.get(attendees_url(event) + "?needs=1").text
    assert "Veganistisch" not in page
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW_NEEDS).exists()


def test_the_attendee_list_filters_by_an_answer(client, event, organiser, questions):
    sign_up(event, questions, email="a@example.org", name="Tuinier")
    sign_up(event, questions, email="b@example.org", name="Wandelaar", workshop=questions["walk"])
    client.force_login(organiser)
    response = client.get(attendees_url(event), {"answer": questions["walk"].pk})
    names = [r.name for r in response.context["registrations"]]
    assert names == ["Wandelaar"]
    assert '<label class="form-label" for="id_answer">' in response.text
    # A sensitive answer is no filter without needs (it would tell who chose it).
    response = client.get(attendees_url(event), {"answer": questions["vegan"].pk})
    assert response.status_code == 200
    assert f'value="{questions["vegan"].pk}"' not in response.text
    response = client.get(attendees_url(event), {"answer": questions["vegan"].pk, "needs": "1"})
    assert len(response.context["registrations"]) == 2


@pytest.mark.parametrize("value", ["999999", "abc", "-1"])
def test_an_unknown_answer_filter_is_no_error(client, event, organiser, questions, value):
    sign_up(event, questions)
    client.force_login(organiser)
    response = client.get(attendees_url(event), {"answer": value})
    assert response.status_code == 200


def test_an_answer_of_another_meeting_filters_nothing_in(client, event, organiser, make_event):
    other = Question.objects.create(event=make_event(), label="Elders", kind="one_choice")
    elsewhere = QuestionChoice.objects.create(question=other, label="Elders")
    services.registration_create(event=event, name="Ans", email="ans@example.org")
    assert list(selectors.attendees(event, answer=elsewhere.pk)) == []


def _count_list_queries(client, event) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(attendees_url(event) + "?needs=1")
    assert response.status_code == 200
    return len(queries)


def test_the_attendee_list_queries_do_not_grow_with_attendees(
    client, event, organiser, questions, django_assert_max_num_queries
):
    event.capacity = 100
    event.save()
    client.force_login(organiser)
    for n in range(2):
        sign_up(event, questions, email=f"p{n}@example.org", workshop=questions["walk"])
    few = _count_list_queries(client, event)
    for n in range(2, 30):
        sign_up(event, questions, email=f"p{n}@example.org", workshop=questions["walk"])
    with django_assert_max_num_queries(few):
        response = client.get(attendees_url(event) + "?needs=1")
    assert len(response.context["registrations"]) == 30


# Exports -------------------------------------------------------------------------------


def export_url(event, fmt):
    return f"/organisatie/evenementen/{event.slug}/deelnemers/export.{fmt}"


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_has_a_column_per_question(client, event, organiser, questions):
    sign_up(event, questions, age=Decimal("2.50"))
    client.force_login(organiser)
    header, row = read_csv(client.get(export_url(event, "csv")))
    column = dict(zip(header, row, strict=True))
    assert column["Welke workshop?"] == "Moestuin"
    assert column["Wat neem je mee?"] == "Stoel, Taart"
    assert column["Eet je mee?"] == "Ja"
    assert column["Leeftijd"] == "2,5"
    assert column["Opmerking"] == "'=1+1"  # the formula guard
    assert "Dieet" not in header and "Veganistisch" not in row


def test_sensitive_columns_only_in_the_export_with_needs(client, event, organiser, questions):
    sign_up(event, questions, lunch="no")
    client.force_login(organiser)
    header, row = read_csv(client.get(export_url(event, "csv") + "?needs=1"))
    column = dict(zip(header, row, strict=True))
    assert column["Dieet"] == "Veganistisch" and column["Eet je mee?"] == "Nee"
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT_WITH_NEEDS).count() == 1


def test_the_xlsx_has_a_column_per_question(client, event, organiser, questions):
    sign_up(event, questions)
    services.registration_create(event=event, name="Zonder antwoorden", email="z@example.org")
    client.force_login(organiser)
    sheet = load_workbook(io.BytesIO(client.get(export_url(event, "xlsx")).content)).active
    header = [c.value for c in sheet[1]]
    assert "Dieet" not in header
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert first["Wat neem je mee?"] == "Stoel, Taart"
    assert first["Leeftijd"] == 70
    assert first["Opmerking"] == "'=1+1"
    empty = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert empty["Welke workshop?"] in (None, "")
    with_needs = load_workbook(
        io.BytesIO(client.get(export_url(event, "xlsx") + "?needs=1").content)
    ).active
    header = [c.value for c in with_needs[1]]
    assert with_needs.cell(row=2, column=header.index("Dieet") + 1).value == "Veganistisch"


def test_a_question_label_that_looks_like_a_formula_is_guarded(client, event, organiser):
    Question.objects.create(event=event, label="=SOM(A1)", kind="short_text")
    client.force_login(organiser)
    header = read_csv(client.get(export_url(event, "csv")))[0]
    assert header[-1] == "'=SOM(A1)"


# Insight -------------------------------------------------------------------------------


def test_the_insight_counts_people_per_answer(english, event, organiser, questions):
    sign_up(event, questions, email="a@example.org", party_size=2, age=Decimal("60"))
    sign_up(event, questions, email="b@example.org", workshop=questions["walk"], lunch="no")
    waiting = sign_up(event, questions, email="c@example.org", workshop=questions["walk"])
    services.registration_cancel(registration=waiting)
    figures = {q["label"]: q for q in selectors.event_insight(event=event).questions}
    workshop = {row["label"]: row for row in figures["Welke workshop?"]["rows"]}
    assert workshop["Moestuin"]["people"] == 2 and workshop["Moestuin"]["left"] == 0
    assert workshop["Wandelen"]["people"] == 1 and workshop["Wandelen"]["left"] is None
    lunch = {row["label"]: row["people"] for row in figures["Eet je mee?"]["rows"]}
    assert lunch == {"Yes": 2, "No": 1} or lunch == {"Ja": 2, "Nee": 1}
    assert figures["Leeftijd"]["answered"] == 2 and figures["Leeftijd"]["average"] == "65"
    assert figures["Opmerking"]["kind"] == "text" and figures["Opmerking"]["answered"] == 2
    assert figures["Dieet"]["rows"][0]["people"] == 3  # sensitive: a number only

    english.force_login(organiser)
    page = english.get(reverse("events:insight", args=[event.slug])).text
    assert "Answers to your questions" in page
    assert "0 / 2" in page  # places left of the garden
    assert "average 65" in page
    assert "=1+1" not in page  # text answers are counted, not shown


def test_the_insight_without_questions(client, event, organiser):
    client.force_login(organiser)
    response = client.get(reverse("events:insight", args=[event.slug]))
    assert response.status_code == 200
    assert response.context["questions"] == []


def test_the_change_page_counts_the_attendees_own_place_in_their_answer_as_theirs(
    client, event, questions
):
    """Moestuin has 2 places; Ans holds one and Bram the other: for Ans it is not full."""
    ans = sign_up(event, questions)
    sign_up(event, questions, email="bram@example.org", name="Bram")
    for_ans = client.get(change_url(ans)).text
    assert "Moestuin (1 plaats over)" in for_ans
    assert "Moestuin (vol)" in client.get(event.get_absolute_url()).text
