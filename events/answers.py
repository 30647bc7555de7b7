"""A sign-up's answer to one question, as the form gives it and as pages show it.

The database keeps one row per chosen answer (`Answer`); `AnswerValue` is the answer to
one question: its text, number, or the answers chosen.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Answer, Question, QuestionChoice


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


def answer_values(rows: Iterable[Answer]) -> list[AnswerValue]:
    """Answer rows (with `question` and `choice` read) as one value per question, in order."""
    values: dict[int, AnswerValue] = {}
    for row in rows:
        value = values.get(row.question_id)
        if value is None:
            value = values[row.question_id] = AnswerValue(
                question=row.question, text=row.text, number=row.number
            )
        if row.choice_id is not None:
            value.choices.append(row.choice)
    return list(values.values())
