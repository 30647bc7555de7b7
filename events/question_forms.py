"""The organisers' question editor: one question, its answers to choose, the order."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from zorgzaam.validators import no_control_characters

from .models import Event, Question, QuestionChoice

# PositiveSmallIntegerField: what every database stores.
POSITION_MAX = 32767
CAPACITY_MAX = 2147483647
# More answers to choose than anyone reads on a phone.
CHOICES_MAX = 50


def _limit(field: forms.IntegerField, maximum: int) -> None:
    """A number the database column holds: a form error, not a server error."""
    field.max_value = maximum
    field.validators.append(MaxValueValidator(maximum))
    field.widget.attrs["max"] = str(maximum)


class ShowIfField(forms.ModelChoiceField):
    def label_from_instance(self, obj: QuestionChoice) -> str:
        return f"{obj.question.label} → {obj.label}"


class QuestionForm(forms.ModelForm):
    """One question. `show_if` offers the answers of this meeting's other choice questions;
    clean() keeps only those of an earlier question (a lower position)."""

    class Meta:
        model = Question
        fields = ["label", "help_text", "kind", "required", "sensitive", "position", "show_if"]
        field_classes = {"show_if": ShowIfField}
        widgets = {"position": forms.NumberInput(attrs={"min": 0, "max": POSITION_MAX})}
        labels = {"position": _("Order (a lower number comes first)")}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        for name in ("label", "help_text"):
            self.fields[name].validators.append(no_control_characters)
        choices = QuestionChoice.objects.filter(
            question__event=event, question__kind__in=Question.WITH_CHOICES
        ).select_related("question")
        if self.instance.pk:
            choices = choices.exclude(question=self.instance)
        self.fields["show_if"].queryset = choices.order_by(
            "question__position", "question__pk", "position", "pk"
        )
        self.fields["show_if"].empty_label = _("Always show this question")
        self.fields["show_if"].help_text = _(
            "Show this question only to people who chose this answer to an earlier question."
        )
        _limit(self.fields["position"], POSITION_MAX)
        self.answer_count = self.instance.answers.count() if self.instance.pk else 0

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if self.answer_count and kind != self.instance.kind:
            raise ValidationError(
                ngettext(
                    "This question already has %(count)s answer, so the kind of answer "
                    "cannot change. Add a new question instead.",
                    "This question already has %(count)s answers, so the kind of answer "
                    "cannot change. Add a new question instead.",
                    self.answer_count,
                )
                % {"count": self.answer_count}
            )
        return kind

    def clean(self):
        data = super().clean()
        position = data.get("position")
        show_if = data.get("show_if")
        earlier = show_if is None or position is None or show_if.question.position < position
        if not earlier:
            self.add_error(
                "show_if",
                _(
                    "Choose an answer of an earlier question: that question must "
                    "have a lower order number than this one."
                ),
            )
        if self.instance.pk and position is not None:
            # Questions shown only for an answer of this one must stay after it.
            later = (
                Question.objects.filter(show_if__question=self.instance, position__lte=position)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if later is not None:
                self.add_error(
                    "position",
                    _(
                        "“%(label)s” is shown only for an answer of this question, so this "
                        "question must have a lower order number than it (%(position)s)."
                    )
                    % {"label": later.label, "position": later.position},
                )
        return data


class ChoiceForm(forms.ModelForm):
    class Meta:
        model = QuestionChoice
        fields = ["label", "capacity", "position"]
        widgets = {"position": forms.NumberInput(attrs={"min": 0, "max": POSITION_MAX})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].validators.append(no_control_characters)
        _limit(self.fields["position"], POSITION_MAX)
        _limit(self.fields["capacity"], CAPACITY_MAX)


class BaseChoiceFormSet(forms.BaseInlineFormSet):
    """The answers to choose. A choice question needs two; an answer someone chose stays."""

    def clean(self):
        super().clean()
        # A changed answer is one of this question's own (the id field takes any answer).
        own = {choice.pk for choice in self.get_queryset()}
        if any(form.instance.pk not in own for form in self.initial_forms):
            raise ValidationError(
                _("An answer does not belong to this question. Open the question again.")
            )
        if any(self.errors):
            return
        for form in self.deleted_forms:
            choice = form.instance
            if choice.pk is None:
                continue
            count = choice.answers.count()
            if count:
                form.add_error(
                    None,
                    ngettext(
                        "“%(label)s” was chosen by %(count)s person. It cannot be deleted "
                        "on its own: keep it, or delete the whole question with its answers.",
                        "“%(label)s” was chosen by %(count)s people. It cannot be deleted "
                        "on its own: keep it, or delete the whole question with its answers.",
                        count,
                    )
                    % {"label": choice.label, "count": count},
                )
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms
            and (form.instance.pk is not None or form.has_changed())
        ]
        if len(kept) < 2:
            raise ValidationError(_("Give at least two answers to choose from."))

    @property
    def choice_errors(self) -> list:
        """Errors of single answers that are not about one field (a refused delete)."""
        return [error for form in self.forms for error in form.non_field_errors()]


ChoiceFormSet = forms.inlineformset_factory(
    Question,
    QuestionChoice,
    form=ChoiceForm,
    formset=BaseChoiceFormSet,
    extra=3,
    can_delete=True,
    max_num=CHOICES_MAX,
    validate_max=True,
    absolute_max=CHOICES_MAX,
)


class QuestionDeleteForm(forms.Form):
    """Deleting a question that has answers needs a tick: the answers go with it."""

    confirm = forms.BooleanField(required=True)

    def __init__(self, *args, answer_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer_count = answer_count
        if answer_count:
            self.fields["confirm"].label = ngettext(
                "Yes, delete the question and its %(count)s answer",
                "Yes, delete the question and its %(count)s answers",
                answer_count,
            ) % {"count": answer_count}
            self.fields["confirm"].error_messages["required"] = _(
                "Tick the box to delete the answers as well."
            )
        else:
            del self.fields["confirm"]


class QuestionOrderForm(forms.Form):
    """One order number per question of the meeting (`position_<pk>`)."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"position_{question.pk}"] = forms.IntegerField(
                label=question.label,
                min_value=0,
                max_value=POSITION_MAX,
                initial=question.position,
                widget=forms.NumberInput(attrs={"class": "form-control question-position"}),
            )

    def rows(self):
        return [(q, self[f"position_{q.pk}"]) for q in self.questions]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        positions = {q.pk: data[f"position_{q.pk}"] for q in self.questions}
        by_choice = {c.pk: c.question_id for q in self.questions for c in q.choices.all()}
        for question in self.questions:
            earlier = by_choice.get(question.show_if_id)
            if earlier is not None and positions[earlier] >= positions[question.pk]:
                self.add_error(
                    f"position_{question.pk}",
                    _(
                        "This question is shown only for an answer of an earlier question: "
                        "give it a higher number than that question."
                    ),
                )
        self.positions = positions
        return data
