"""The organisers' question editor: add, change, order and delete a meeting's questions."""

import re

import pytest
from django.urls import reverse

from events import services
from events.models import Answer, Question, QuestionChoice
from organisations.models import Role


@pytest.fixture
def client_en(client, organiser):
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def workshop(event):
    """ "Which workshop?" at position 1, with two answers; "Diet" at 2, for the first one."""
    which = Question.objects.create(
        event=event, position=1, label="Which workshop?", kind="one_choice"
    )
    garden = QuestionChoice.objects.create(question=which, label="Garden", capacity=2, position=1)
    walk = QuestionChoice.objects.create(question=which, label="Walk", position=2)
    diet = Question.objects.create(
        event=event, position=2, label="Diet", kind="short_text", show_if=garden
    )
    return {"which": which, "garden": garden, "walk": walk, "diet": diet}


def url(event, name, pk=None):
    args = [event.slug] if pk is None else [event.slug, pk]
    return reverse(f"events:{name}", args=args)


def question_data(choices=(), existing=0, **fields):
    """A POST of the question form: `choices` are dicts for the answers to choose."""
    data = {
        "label": "Do you eat with us?",
        "help_text": "",
        "kind": "short_text",
        "position": "5",
        "show_if": "",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(existing),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "50",
    }
    for i, choice in enumerate(choices):
        for key, value in choice.items():
            data[f"choices-{i}-{key}"] = value
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def add_answer(event, question, choices=(), text=""):
    registration = services.registration_create(
        event=event, name="Ans", email=f"ans{Answer.objects.count()}@example.org"
    ).registration
    rows = [
        Answer.objects.create(registration=registration, question=question, choice=choice)
        for choice in choices
    ] or [Answer.objects.create(registration=registration, question=question, text=text)]
    return rows[0]


# --- The list


def test_the_list_shows_questions_in_order_with_badges_places_and_answers(
    client_en, event, workshop
):
    Question.objects.filter(pk=workshop["diet"].pk).update(required=True, sensitive=True)
    add_answer(event, workshop["which"], [workshop["garden"]])
    page = client_en.get(url(event, "questions"))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Which workshop?") < text.index("Diet")
    assert "one choice" in text and "short text" in text
    assert "required" in text and "sensitive" in text
    assert "Shown only if" in text and "<strong>Garden</strong>" in text
    assert "Garden — 2 places (1 left)" in text
    assert "1 answer" in text and "0 answers" in text
    assert url(event, "question_edit", workshop["diet"].pk) in text
    assert url(event, "question_delete", workshop["diet"].pk) in text
    assert url(event, "question_create") in text
    # In the meeting menu, between Attendees and Check-in.
    nav = text[text.index('class="organiser-nav') :]
    assert nav.index("Attendees") < nav.index(">Questions<") < nav.index("Check-in")


def test_the_order_is_saved(client_en, event, workshop):
    which, diet = workshop["which"], workshop["diet"]
    response = client_en.post(
        url(event, "questions"), {f"position_{which.pk}": "10", f"position_{diet.pk}": "20"}
    )
    assert response.status_code == 302
    which.refresh_from_db()
    diet.refresh_from_db()
    assert (which.position, diet.position) == (10, 20)


@pytest.mark.parametrize("diet_position", ["0", "1", "x", "99999"])
def test_an_order_that_puts_a_condition_before_its_question_is_refused(
    client_en, event, workshop, diet_position
):
    which, diet = workshop["which"], workshop["diet"]
    response = client_en.post(
        url(event, "questions"),
        {f"position_{which.pk}": "1", f"position_{diet.pk}": diet_position},
    )
    assert response.status_code == 400
    diet.refresh_from_db()
    assert diet.position == 2


# --- Adding and changing


def test_a_text_question_is_added_and_shown_on_the_sign_up_form(client_en, event):
    sign_up = client_en.get(event.get_absolute_url()).content.decode()
    assert "Do you eat with us?" not in sign_up  # the form's markup is now cached
    response = client_en.post(url(event, "question_create"), question_data(required="on"))
    assert response.status_code == 302 and response["Location"] == url(event, "questions")
    question = Question.objects.get()
    assert (question.label, question.kind, question.required, question.position) == (
        "Do you eat with us?",
        "short_text",
        True,
        5,
    )
    sign_up = client_en.get(event.get_absolute_url()).content.decode()
    assert "Do you eat with us?" in sign_up and f'name="question_{question.pk}"' in sign_up


def test_a_new_question_comes_last(client_en, event, workshop):
    page = client_en.get(url(event, "question_create")).content.decode()
    assert 'name="position" value="3"' in page


def test_a_choice_question_is_added_with_its_answers(client_en, event):
    response = client_en.post(
        url(event, "question_create"),
        question_data(
            kind="choices",
            choices=[
                {"label": "Lunch", "capacity": "20", "position": "1"},
                {"label": "Dinner", "capacity": "", "position": "2"},
                {"label": "", "capacity": "", "position": "0"},  # an empty line
            ],
        ),
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert [(c.label, c.capacity) for c in question.choices.all()] == [
        ("Lunch", 20),
        ("Dinner", None),
    ]
    sign_up = client_en.get(event.get_absolute_url()).content.decode()
    assert "Lunch" in sign_up and "Dinner" in sign_up


def test_a_question_is_changed_its_answers_too_and_the_form_follows(client_en, event, workshop):
    which, garden, walk = workshop["which"], workshop["garden"], workshop["walk"]
    assert "Garden" in client_en.get(event.get_absolute_url()).content.decode()
    response = client_en.post(
        url(event, "question_edit", which.pk),
        question_data(
            label="Which workshop do you choose?",
            kind="one_choice",
            position="1",
            existing=2,
            choices=[
                {"id": garden.pk, "label": "Vegetable garden", "capacity": "3", "position": "1"},
                {"id": walk.pk, "label": "Walk", "capacity": "", "position": "2", "DELETE": "on"},
                {"label": "Painting", "capacity": "", "position": "3"},
            ],
        ),
    )
    assert response.status_code == 302
    which.refresh_from_db()
    assert which.label == "Which workshop do you choose?"
    assert [(c.label, c.capacity) for c in which.choices.all()] == [
        ("Vegetable garden", 3),
        ("Painting", None),
    ]
    sign_up = client_en.get(event.get_absolute_url()).content.decode()
    assert "Which workshop do you choose?" in sign_up and "Vegetable garden" in sign_up
    assert ">Walk<" not in sign_up


def test_the_show_if_select_offers_only_answers_of_this_meetings_choice_questions(
    client_en, event, workshop, make_event
):
    other = Question.objects.create(event=make_event(), label="Elsewhere", kind="one_choice")
    QuestionChoice.objects.create(question=other, label="Not here")
    page = client_en.get(url(event, "question_edit", workshop["diet"].pk)).content.decode()
    assert "Which workshop? → Garden" in page and "Which workshop? → Walk" in page
    assert "Not here" not in page
    own = client_en.get(url(event, "question_edit", workshop["which"].pk)).content.decode()
    assert "Which workshop? → Garden" not in own  # not its own answers


def test_a_question_becomes_conditional(client_en, event, workshop):
    response = client_en.post(
        url(event, "question_create"),
        question_data(position="3", show_if=str(workshop["walk"].pk)),
    )
    assert response.status_code == 302
    assert Question.objects.get(label="Do you eat with us?").show_if == workshop["walk"]


def test_a_kind_without_answers_to_choose_keeps_none(client_en, event, workshop):
    which = workshop["which"]
    response = client_en.post(
        url(event, "question_edit", which.pk),
        question_data(label="Which workshop?", kind="long_text", position="1"),
    )
    assert response.status_code == 302
    which.refresh_from_db()
    assert which.kind == "long_text" and not which.choices.exists()
    workshop["diet"].refresh_from_db()
    assert workshop["diet"].show_if is None  # its condition went with the answer


# --- Refused


def test_show_if_on_a_later_question_is_refused(client_en, event, workshop):
    diet = workshop["diet"]
    later = Question.objects.create(event=event, position=7, label="Later", kind="one_choice")
    late_choice = QuestionChoice.objects.create(question=later, label="Late")
    response = client_en.post(
        url(event, "question_edit", diet.pk),
        question_data(label="Diet", position="2", show_if=str(late_choice.pk)),
    )
    assert response.status_code == 400
    assert "Choose an answer of an earlier question" in response.content.decode()
    diet.refresh_from_db()
    assert diet.show_if == workshop["garden"]


def test_moving_a_question_after_one_that_depends_on_it_is_refused(client_en, event, workshop):
    which = workshop["which"]
    response = client_en.post(
        url(event, "question_edit", which.pk),
        question_data(
            label="Which workshop?",
            kind="one_choice",
            position="9",
            existing=2,
            choices=[
                {"id": workshop["garden"].pk, "label": "Garden", "position": "1"},
                {"id": workshop["walk"].pk, "label": "Walk", "position": "2"},
            ],
        ),
    )
    assert response.status_code == 400
    which.refresh_from_db()
    assert which.position == 1


@pytest.mark.parametrize("answers", [[], ["Only one"]])
def test_a_choice_question_needs_two_answers(client_en, event, answers):
    response = client_en.post(
        url(event, "question_create"),
        question_data(
            kind="one_choice", choices=[{"label": label, "position": "1"} for label in answers]
        ),
    )
    assert response.status_code == 400
    assert "Give at least two answers to choose from." in response.content.decode()
    assert not Question.objects.exists()


def test_deleting_answers_down_to_one_is_refused(client_en, event, workshop):
    response = client_en.post(
        url(event, "question_edit", workshop["which"].pk),
        question_data(
            label="Which workshop?",
            kind="one_choice",
            position="1",
            existing=2,
            choices=[
                {"id": workshop["garden"].pk, "label": "Garden", "position": "1"},
                {"id": workshop["walk"].pk, "label": "Walk", "position": "2", "DELETE": "on"},
            ],
        ),
    )
    assert response.status_code == 400
    assert workshop["which"].choices.count() == 2


def test_deleting_an_answer_someone_chose_is_refused(client_en, event, workshop):
    add_answer(event, workshop["which"], [workshop["walk"]])
    QuestionChoice.objects.create(question=workshop["which"], label="Third", position=3)
    response = client_en.post(
        url(event, "question_edit", workshop["which"].pk),
        question_data(
            label="Which workshop?",
            kind="one_choice",
            position="1",
            existing=2,
            choices=[
                {"id": workshop["garden"].pk, "label": "Garden", "position": "1"},
                {"id": workshop["walk"].pk, "label": "Walk", "position": "2", "DELETE": "on"},
            ],
        ),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "“Walk” was chosen by 1 person. It cannot be deleted on its own" in text
    assert QuestionChoice.objects.filter(pk=workshop["walk"].pk).exists()


def test_the_kind_of_a_question_with_answers_cannot_change(client_en, event, workshop):
    add_answer(event, workshop["diet"], text="vegetarian")
    response = client_en.post(
        url(event, "question_edit", workshop["diet"].pk),
        question_data(label="Diet", kind="number", position="2"),
    )
    assert response.status_code == 400
    workshop["diet"].refresh_from_db()
    assert workshop["diet"].kind == "short_text"


def test_a_choice_of_another_meeting_is_refused(client_en, event, workshop, make_event):
    other = Question.objects.create(event=make_event(), label="Elsewhere", kind="one_choice")
    foreign = QuestionChoice.objects.create(question=other, label="Not here")
    # As "show only if"
    response = client_en.post(
        url(event, "question_create"), question_data(position="9", show_if=str(foreign.pk))
    )
    assert response.status_code == 400
    # As an answer to change
    response = client_en.post(
        url(event, "question_edit", workshop["which"].pk),
        question_data(
            label="Which workshop?",
            kind="one_choice",
            position="1",
            existing=1,
            choices=[
                {"id": foreign.pk, "label": "Taken over", "position": "1"},
                {"label": "New", "position": "2"},
            ],
        ),
    )
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.label == "Not here" and foreign.question == other
    # A question of another meeting under this meeting's address
    assert client_en.get(url(event, "question_edit", other.pk)).status_code == 404
    assert client_en.post(url(event, "question_delete", other.pk)).status_code == 404
    assert Question.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"label": "x" * 301},
        {"help_text": "x" * 301},
        {"label": ""},
        {"kind": "essay"},
        {"position": "-1"},
        {"position": "40000"},
        {"position": "first"},
        {"show_if": "not-a-number"},
        {"show_if": "999999"},
        {"label": "bad\x00byte"},
    ],
)
def test_wrong_question_input_is_a_form_error(client_en, event, fields):
    response = client_en.post(url(event, "question_create"), question_data(**fields))
    assert response.status_code == 400
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "choice",
    [
        {"label": "x" * 201, "position": "1"},
        {"label": "Lunch", "capacity": "-3", "position": "1"},
        {"label": "Lunch", "capacity": "9999999999", "position": "1"},
        {"label": "Lunch", "capacity": "many", "position": "1"},
        {"label": "Lunch", "position": "70000"},
        {"label": "", "capacity": "4", "position": "1"},
    ],
)
def test_wrong_answer_input_is_a_form_error(client_en, event, choice):
    response = client_en.post(
        url(event, "question_create"),
        question_data(kind="choices", choices=[choice, {"label": "Dinner", "position": "2"}]),
    )
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_a_broken_formset_is_a_form_error(client_en, event):
    data = question_data(kind="choices")
    del data["choices-TOTAL_FORMS"]
    assert client_en.post(url(event, "question_create"), data).status_code == 400
    data = question_data(kind="choices", **{"choices-TOTAL_FORMS": "100000"})
    assert client_en.post(url(event, "question_create"), data).status_code == 400
    assert not Question.objects.exists()


# --- Deleting


def test_a_question_without_answers_is_deleted_after_a_plain_confirm(client_en, event, workshop):
    page = client_en.get(url(event, "question_delete", workshop["diet"].pk))
    assert page.status_code == 200 and 'type="checkbox"' not in page.content.decode()
    assert Question.objects.filter(pk=workshop["diet"].pk).exists()  # GET deletes nothing
    response = client_en.post(url(event, "question_delete", workshop["diet"].pk))
    assert response.status_code == 302
    assert not Question.objects.filter(pk=workshop["diet"].pk).exists()


def test_a_question_with_answers_needs_the_tick(client_en, event, workshop):
    which = workshop["which"]
    add_answer(event, which, [workshop["garden"]])
    add_answer(event, which, [workshop["walk"]])
    page = client_en.get(url(event, "question_delete", which.pk)).content.decode()
    assert "2 people answered this question" in page
    assert "Yes, delete the question and its 2 answers" in page
    assert "Diet" in page  # it loses its condition
    refused = client_en.post(url(event, "question_delete", which.pk))
    assert refused.status_code == 400
    assert Question.objects.filter(pk=which.pk).exists() and Answer.objects.count() == 2
    response = client_en.post(url(event, "question_delete", which.pk), {"confirm": "on"})
    assert response.status_code == 302
    assert not Question.objects.filter(pk=which.pk).exists() and not Answer.objects.exists()
    workshop["diet"].refresh_from_db()
    assert workshop["diet"].show_if is None


def test_a_deleted_question_leaves_the_sign_up_form(client_en, event, workshop):
    assert "Which workshop?" in client_en.get(event.get_absolute_url()).content.decode()
    client_en.post(url(event, "question_delete", workshop["which"].pk))
    assert "Which workshop?" not in client_en.get(event.get_absolute_url()).content.decode()


# --- Who


@pytest.mark.parametrize("name", ["questions", "question_create", "question_edit", "delete"])
def test_a_door_volunteer_gets_403(client, event, workshop, make_user, make_member, name):
    door = make_user("door")
    make_member(door, event.organisation, Role.DOOR)
    client.force_login(door)
    pk = workshop["which"].pk
    target = {
        "questions": url(event, "questions"),
        "question_create": url(event, "question_create"),
        "question_edit": url(event, "question_edit", pk),
        "delete": url(event, "question_delete", pk),
    }[name]
    assert client.get(target).status_code == 403
    assert client.post(target, {"confirm": "on"}).status_code == 403
    assert Question.objects.filter(pk=pk).exists()


def test_another_organisations_member_gets_404(
    client, event, workshop, make_user, make_member, make_organisation
):
    stranger = make_user("stranger")
    make_member(stranger, make_organisation("Elsewhere"), Role.OWNER)
    client.force_login(stranger)
    pk = workshop["which"].pk
    for target in (
        url(event, "questions"),
        url(event, "question_create"),
        url(event, "question_edit", pk),
        url(event, "question_delete", pk),
    ):
        assert client.get(target).status_code == 404
        assert client.post(target, {"confirm": "on"}).status_code == 404
    assert Question.objects.filter(pk=pk).exists()


def test_the_pages_have_labels_for_every_field(client_en, event, workshop):
    for target in (
        url(event, "questions"),
        url(event, "question_create"),
        url(event, "question_edit", workshop["which"].pk),
    ):
        page = client_en.get(target).content.decode()
        fields = re.findall(r"<(?:input|select|textarea)[^>]*>", page)
        visible = [f for f in fields if 'type="hidden"' not in f]
        ids = {re.search(r'\sid="([^"]+)"', f).group(1) for f in visible}
        labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', page))
        assert ids and ids <= labelled, ids - labelled
