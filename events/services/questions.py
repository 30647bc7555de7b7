"""Answers to a meeting's own sign-up questions, and the places per chosen answer."""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Sum

from ..answers import AnswerValue
from ..models import Answer, Event, Question, QuestionChoice, Registration
from .errors import RegistrationError


def answers_check(*, event: Event, answers: Iterable[AnswerValue]) -> list[AnswerValue]:
    """Every question of this meeting, every chosen answer of its own question."""
    checked = []
    for answer in answers:
        if answer.question.event_id != event.pk:
            raise RegistrationError("invalid_answer")
        if any(choice.question_id != answer.question.pk for choice in answer.choices):
            raise RegistrationError("invalid_answer")
        if answer.question.kind == Question.Kind.ONE_CHOICE and len(answer.choices) > 1:
            raise RegistrationError("invalid_answer")
        if not answer.is_empty:
            checked.append(answer)
    return checked


def _people_with_choice(choice: QuestionChoice, exclude_pk=None) -> int:
    registrations = Registration.objects.filter(
        status=Registration.Status.CONFIRMED, answers__choice=choice
    )
    if exclude_pk is not None:
        registrations = registrations.exclude(pk=exclude_pk)
    return registrations.aggregate(total=Sum("party_size"))["total"] or 0


def choices_fit(answers: Iterable[AnswerValue], party_size: int, exclude_pk=None) -> bool:
    """Whether every chosen answer with a limit still has room (counted under the lock)."""
    for answer in answers:
        for choice in answer.choices:
            if choice.capacity is None:
                continue
            if _people_with_choice(choice, exclude_pk) + party_size > choice.capacity:
                return False
    return True


def confirmed_places(event: Event, choices: Iterable[QuestionChoice]) -> tuple[int, dict[int, int]]:
    """People with a place, and of them those who chose each of `choices`: one statement.

    Signing up counts the places of the meeting and of its limited answers under the lock;
    one aggregate instead of one per answer keeps the lock short. Written out in SQL: the
    ORM took longer to build this statement than the database to answer it, and that time
    was spent holding the lock.
    """
    choices = list(choices)
    # Only the models' own table names are put in the text; every value is a parameter.
    registration, answer = Registration._meta.db_table, Answer._meta.db_table
    per_choice = "".join(
        f", COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM {answer} a WHERE "  # noqa: S608
        "a.registration_id = r.id AND a.choice_id = %s) THEN r.party_size END), 0)"
        for _ in choices
    )
    sql = (
        f"SELECT COALESCE(SUM(r.party_size), 0){per_choice} FROM {registration} r "  # noqa: S608
        "WHERE r.event_id = %s AND r.status = %s"
    )
    params = [choice.pk for choice in choices] + [event.pk, Registration.Status.CONFIRMED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        total, *taken = cursor.fetchone()
    return total, {choice.pk: value for choice, value in zip(choices, taken, strict=True)}


def answer_rows(registration: Registration, answers: Iterable[AnswerValue]) -> list[Answer]:
    """The rows of these answers: one per text or number, one per chosen answer."""
    return [
        Answer(registration=registration, question=value.question, choice=choice)
        if choice is not None
        else Answer(
            registration=registration,
            question=value.question,
            text=value.text,
            number=value.number,
        )
        for value in answers
        for choice in (value.choices or [None])
    ]


def answers_save(*, registration: Registration, answers: Iterable[AnswerValue]) -> None:
    """One statement whatever the number of questions and chosen answers."""
    rows = answer_rows(registration, answers)
    if rows:
        Answer.objects.bulk_create(rows)


def places_left_per_choice(event: Event, limited=None) -> dict[int, int]:
    """{choice id: places left} for the answers of this meeting that have a limit.

    `limited`: those answers when the caller has read them already (one query less).
    """
    if limited is None:
        limited = QuestionChoice.objects.filter(question__event=event, capacity__isnull=False)
    limited = list(limited)
    taken = dict(
        Registration.objects.filter(
            event=event,
            status=Registration.Status.CONFIRMED,
            answers__choice__in=[c.pk for c in limited],
        )
        .values_list("answers__choice")
        .annotate(total=Sum("party_size"))
    )
    return {c.pk: max(c.capacity - taken.get(c.pk, 0), 0) for c in limited}


def question_save(
    *,
    question: Question,
    choices: Iterable[QuestionChoice] = (),
    choices_removed: Iterable[QuestionChoice] = (),
) -> Question:
    """Write a question and its answers to choose, under the event lock (places per answer).

    A question whose kind has no answers to choose keeps none: they are removed, and any
    question shown only for one of them loses that condition (the foreign key is SET_NULL).
    """
    from django.db import transaction

    from .locking import lock_event

    with transaction.atomic():
        lock_event(question.event)
        question.save()
        if question.has_choices:
            for choice in choices_removed:
                if choice.pk is not None and choice.question_id == question.pk:
                    choice.delete()
            for choice in choices:
                choice.question = question
                choice.save()
        else:
            question.choices.all().delete()
    return question


def question_delete(*, question: Question) -> int:
    """Delete a question with its answers; returns how many answers were deleted."""
    from django.db import transaction

    from .locking import lock_event

    with transaction.atomic():
        lock_event(question.event)
        count = question.answers.count()
        question.delete()
    return count


def question_order_save(*, event: Event, positions: dict[int, int]) -> None:
    """Give this meeting's questions their new positions ({question id: position})."""
    from django.db import transaction

    from .locking import lock_event

    with transaction.atomic():
        lock_event(event)
        for question in event.questions.filter(pk__in=positions):
            if question.position != positions[question.pk]:
                question.position = positions[question.pk]
                question.save(update_fields=["position"])
