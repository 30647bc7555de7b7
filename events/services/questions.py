"""Answers to a meeting's own sign-up questions, and the places per chosen answer."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from ..models import Answer, Event, Question, QuestionChoice, Registration
from .errors import RegistrationError


@dataclass
class AnswerValue:
    """What the attendee answered to one question (the form has checked its shape)."""

    question: Question
    text: str = ""
    number: Decimal | None = None
    choices: list[QuestionChoice] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.text and self.number is None and not self.choices


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
        status=Registration.Status.CONFIRMED, answers__choices=choice
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


def answers_save(*, registration: Registration, answers: Iterable[AnswerValue]) -> None:
    for value in answers:
        answer = Answer.objects.create(
            registration=registration,
            question=value.question,
            text=value.text,
            number=value.number,
        )
        if value.choices:
            answer.choices.add(*value.choices)


def places_left_per_choice(event: Event) -> dict[int, int]:
    """{choice id: places left} for the answers of this meeting that have a limit."""
    limited = QuestionChoice.objects.filter(question__event=event, capacity__isnull=False)
    taken = dict(
        Registration.objects.filter(
            event=event,
            status=Registration.Status.CONFIRMED,
            answers__choices__in=limited,
        )
        .values_list("answers__choices")
        .annotate(total=Sum("party_size"))
    )
    return {c.pk: max(c.capacity - taken.get(c.pk, 0), 0) for c in limited}
