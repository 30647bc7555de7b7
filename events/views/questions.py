"""The organisers' question editor: the meeting's own questions on its sign-up form."""

from django.contrib import messages
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Event, Question
from ..question_forms import ChoiceFormSet, QuestionDeleteForm, QuestionForm, QuestionOrderForm
from ..services import places_left_per_choice
from ..services.questions import question_delete as delete_question
from ..services.questions import question_order_save, question_save
from .decorators import manages_event


def _questions(event: Event) -> list[Question]:
    """The questions in order, each answer to choose with its places left (if limited)."""
    questions = list(
        event.questions.select_related("show_if", "show_if__question")
        .prefetch_related("choices")
        .annotate(answer_count=Count("answers"))
    )
    places_left = places_left_per_choice(event)
    for question in questions:
        for choice in question.choices.all():
            choice.places_left = places_left.get(choice.pk)
    return questions


@manages_event
def question_list(request, event):
    questions = _questions(event)
    form = QuestionOrderForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        question_order_save(event=event, positions=form.positions)
        messages.success(request, _("The order of the questions has been saved."))
        return redirect("events:questions", slug=event.slug)
    return render(
        request,
        "events/organiser/questions.html",
        {
            "event": event,
            "form": form,
            "rows": form.rows(),
        },
        status=400 if form.errors else 200,
    )


def _question_form_view(request, event: Event, question: Question | None):
    instance = question or Question(event=event)
    if question is None:
        top = event.questions.aggregate(top=Max("position"))["top"]
        instance.position = 0 if top is None else min(top + 1, 32767)
    form = QuestionForm(request.POST or None, instance=instance, event=event)
    formset = ChoiceFormSet(request.POST or None, instance=instance, prefix="choices")
    has_errors = False
    with_choices = instance.has_choices
    if request.method == "POST":
        # Only a question with answers to choose reads them; other kinds keep none.
        with_choices = form.data.get("kind") in Question.WITH_CHOICES
        valid = form.is_valid()
        choices_valid = formset.is_valid() if with_choices else True
        if valid and choices_valid:
            form.instance.event = event
            if with_choices:
                choices = formset.save(commit=False)  # nothing is written with commit=False
                removed = formset.deleted_objects
            else:
                choices, removed = [], []
            question_save(question=form.instance, choices=choices, choices_removed=removed)
            messages.success(request, _("The question has been saved."))
            return redirect("events:questions", slug=event.slug)
        has_errors = True
    return render(
        request,
        "events/organiser/question_form.html",
        {
            "event": event,
            "question": question,
            "form": form,
            "formset": formset,
            "choice_errors_shown": has_errors and with_choices,
        },
        status=400 if has_errors else 200,
    )


@manages_event
def question_create(request, event):
    return _question_form_view(request, event, None)


@manages_event
def question_edit(request, event, pk):
    question = get_object_or_404(event.questions, pk=pk)
    return _question_form_view(request, event, question)


@manages_event
def question_delete(request, event, pk):
    question = get_object_or_404(event.questions, pk=pk)
    answer_count = question.answers.count()
    data = request.POST if request.method == "POST" else None  # an empty POST confirms
    form = QuestionDeleteForm(data, answer_count=answer_count)
    if request.method == "POST" and form.is_valid():
        deleted = delete_question(question=question)
        if deleted:
            messages.success(
                request,
                ngettext(
                    "The question and its %(count)s answer have been deleted.",
                    "The question and its %(count)s answers have been deleted.",
                    deleted,
                )
                % {"count": deleted},
            )
        else:
            messages.success(request, _("The question has been deleted."))
        return redirect("events:questions", slug=event.slug)
    return render(
        request,
        "events/organiser/question_delete.html",
        {
            "event": event,
            "question": question,
            "form": form,
            "answer_count": answer_count,
            "dependants": list(question.__class__.objects.filter(show_if__question=question)),
        },
        status=400 if form.errors else 200,
    )
