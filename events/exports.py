"""Attendee lists as CSV and Excel, with Dutch headers and dates."""

import csv
import io

from django.utils import timezone
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Font

from zorgzaam.spreadsheets import formula_safe

from . import selectors
from .answers import answer_values
from .models import Event, Question, Registration

HEADERS = [
    "Naam",
    "E-mail",
    "Telefoon",
    "Aantal personen",
    "Status",
    "Wachtlijstpositie",
    "Achtergrond",
    "Organisatie",
    "Sessies",
    "Ingecheckt",
    "Aangemeld op",
    "Wil bespreken",
    "Nieuwsbrief",
    "Handmatig toegevoegd",
]
NEEDS_HEADER = "Toegankelijkheid/dieet"
STATUS_NL = {"confirmed": "bevestigd", "waitlist": "wachtlijst", "cancelled": "geannuleerd"}
BACKGROUND_NL = {
    "bewoner": "bewoner",
    "mantelzorger": "mantelzorger",
    "vrijwilliger": "vrijwilliger",
    "professional": "professional zorg en welzijn",
    "buurtopbouwwerker": "buurtopbouwwerker",
    "gemeente": "gemeente/beleid",
    "bestuurder": "bestuurder",
    "onderzoek": "onderzoek/onderwijs",
    "anders": "anders",
}


def _dutch_datetime(value) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else ""


def export_questions(event: Event, *, with_needs: bool) -> list[Question]:
    """One column per question; a sensitive question's only in the export with needs."""
    return [q for q in selectors.event_questions(event) if with_needs or not q.sensitive]


def headers(questions, *, with_needs: bool) -> list[str]:
    return HEADERS + ([NEEDS_HEADER] if with_needs else []) + [q.label for q in questions]


def _answer_cell(answer, *, csv_text: bool):
    """Choices joined with ", ", yes/no as Ja/Nee, a number as a number (Dutch in CSV)."""
    question = answer.question
    if question.kind == Question.Kind.NUMBER and answer.number is not None:
        if csv_text:
            return selectors.number_text(answer.number).replace(".", ",")
        number = answer.number
        return int(number) if number == number.to_integral_value() else float(number)
    with override("nl"):
        return selectors.answer_text(answer)


def rows(event: Event, registrations, *, with_needs: bool, questions=None, csv_text=True):
    if questions is None:
        questions = export_questions(event, with_needs=with_needs)
    positions = {
        pk: n
        for n, pk in enumerate(
            Registration.objects.filter(event=event, status="waitlist")
            .order_by(*Registration.WAITLIST_ORDER)
            .values_list("pk", flat=True),
            start=1,
        )
    }
    result = []
    for r in registrations:
        row = [
            r.name,
            r.email,
            r.phone,
            r.party_size,
            STATUS_NL.get(r.status, r.status),
            positions.get(r.pk, ""),
            BACKGROUND_NL.get(r.background, ""),
            r.organisation,
            "; ".join(f"{s.start_time:%H:%M} {s.title}" for s in r.sessions.all()),
            _dutch_datetime(r.checked_in_at),
            _dutch_datetime(r.created_at),
            r.topic,
            "ja" if r.newsletter_opt_in else "nee",
            "ja" if r.added_by_id else "nee",
        ]
        if with_needs:
            row.append(r.needs)
        given = {value.question.pk: value for value in answer_values(r.answers.all())}
        for question in questions:
            answer = given.get(question.pk)
            row.append("" if answer is None else _answer_cell(answer, csv_text=csv_text))
        result.append(row)
    return result


def as_csv(event: Event, registrations, *, with_needs: bool) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a byte-order mark: what Excel with Dutch settings opens correctly.
    writer = csv.writer(buffer, delimiter=";")
    questions = export_questions(event, with_needs=with_needs)
    writer.writerow([formula_safe(h) for h in headers(questions, with_needs=with_needs)])
    for row in rows(event, registrations, with_needs=with_needs, questions=questions):
        writer.writerow([formula_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(event: Event, registrations, *, with_needs: bool) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Deelnemers"
    questions = export_questions(event, with_needs=with_needs)
    sheet.append([formula_safe(h) for h in headers(questions, with_needs=with_needs)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(
        event, registrations, with_needs=with_needs, questions=questions, csv_text=False
    ):
        sheet.append([formula_safe(value) for value in row])
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 50)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
