"""Forms of the live pages: validation only; the services in events.services.live write."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from zorgzaam.forms import HoneypotMixin

from .models import LiveOption, LiveRound
from .services.live import ANSWER_MAX, FIRST_NAME_MAX, OPTIONS_MAX, QUESTION_MAX

_NO_NUL = [ProhibitNullCharactersValidator()]


class LiveQuestionForm(HoneypotMixin):
    text = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX,
        validators=_NO_NUL,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX}),
    )
    first_name = forms.CharField(
        label=_("First name (optional)"),
        max_length=FIRST_NAME_MAX,
        required=False,
        validators=_NO_NUL,
        help_text=_("Leave empty to ask anonymously."),
    )


class LiveAnswerForm(HoneypotMixin):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=ANSWER_MAX,
        validators=_NO_NUL,
        widget=forms.TextInput(attrs={"maxlength": ANSWER_MAX}),
    )


class LiveQuestionPickForm(forms.Form):
    """Which question an upvote or a deletion is about."""

    question = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class LiveVoteForm(HoneypotMixin):
    """The open poll's ballot: a radio, checkboxes, or a number of points per option."""

    def __init__(self, *args, round: LiveRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.options = list(round.options.all())
        choices = [(option.pk, option.label) for option in self.options]
        if round.kind == LiveRound.Kind.ONE_CHOICE:
            self.fields["option"] = forms.TypedChoiceField(
                label=round.title, choices=choices, coerce=int, widget=forms.RadioSelect
            )
        elif round.kind == LiveRound.Kind.CHOICES:
            self.fields["option"] = forms.TypedMultipleChoiceField(
                label=round.title, choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple
            )
        else:
            for option in self.options:
                self.fields[f"points_{option.pk}"] = forms.IntegerField(
                    label=option.label,
                    min_value=0,
                    max_value=round.points_budget,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )

    def points_fields(self):
        return [self[f"points_{option.pk}"] for option in self.options]

    def clean(self):
        data = super().clean()
        if self.round.kind == LiveRound.Kind.POINTS:
            points = {o.pk: data.get(f"points_{o.pk}") or 0 for o in self.options}
            if sum(points.values()) > self.round.points_budget:
                raise forms.ValidationError(
                    _("You have %(budget)s points to divide, not more.")
                    % {"budget": self.round.points_budget},
                    code="over_budget",
                )
        return data

    @property
    def ballot(self) -> dict[int, int]:
        """{option id: points} for the service."""
        data = self.cleaned_data
        if self.round.kind == LiveRound.Kind.ONE_CHOICE:
            return {data["option"]: 1}
        if self.round.kind == LiveRound.Kind.CHOICES:
            return dict.fromkeys(data["option"], 1)
        return {o.pk: data.get(f"points_{o.pk}") or 0 for o in self.options}


class LiveRoundForm(forms.Form):
    """A round as an organiser writes it; options one per line."""

    kind = forms.ChoiceField(label=_("Kind"), choices=LiveRound.Kind.choices)
    title = forms.CharField(label=_("Title or question"), max_length=200, validators=_NO_NUL)
    options = forms.CharField(
        label=_("Options, one per line (polls)"),
        required=False,
        max_length=OPTIONS_MAX * (LiveOption._meta.get_field("label").max_length + 1),
        validators=_NO_NUL,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    moderated = forms.BooleanField(label=_("Questions appear only after approval"), required=False)
    results_hidden = forms.BooleanField(
        label=_("Hide results until the round is closed"), required=False
    )
    points_budget = forms.IntegerField(
        label=_("Points per participant (points poll)"), min_value=1, max_value=1000, initial=10
    )

    def __init__(self, *args, options_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.options_fixed = options_fixed  # a round that was opened keeps its options

    def clean_options(self):
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines()]
        lines = [line for line in lines if line]
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError(_("An option is at most 200 characters."))
        if len(lines) > OPTIONS_MAX:
            raise forms.ValidationError(_("At most %(count)s options.") % {"count": OPTIONS_MAX})
        return lines

    def clean(self):
        data = super().clean()
        too_few = len(data.get("options") or []) < 2
        if data.get("kind") in LiveRound.POLLS and too_few and not self.options_fixed:
            self.add_error("options", _("A poll needs at least two options."))
        return data


class LiveModerateForm(forms.Form):
    question = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    do = forms.ChoiceField(choices=[(a, a) for a in ("approve", "hide", "answered", "merge")])
    into = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
