import hashlib
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from zorgzaam.forms import HoneypotMixin, ModelLimitsMixin
from zorgzaam.validators import no_control_characters

from . import selectors
from .answers import answer_values
from .models import DoorLink, Event, Follower, OrganiserMessage, ProgrammeItem, Registration


class SessionChoiceMixin:
    """One radio group per time slot with breakout sessions or pitches to choose from."""

    def add_session_fields(self, event: Event, *, initial: list[ProgrammeItem] = ()) -> None:
        self.session_fields = []
        choosable = [item for item in event.programme.all() if item.is_choosable]
        chosen = {item.pk for item in initial}
        for start, items in groupby(choosable, key=lambda item: item.start_time):
            items = list(items)
            name = f"session_{start:%H%M}"
            choices = [("", _("No preference"))] + [
                (str(item.pk), self._session_label(item)) for item in items
            ]
            self.fields[name] = forms.ChoiceField(
                label=_("Choose a session at %(time)s") % {"time": f"{start:%H:%M}"},
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=next((str(i.pk) for i in items if i.pk in chosen), ""),
            )
            self.session_fields.append((name, {str(item.pk): item for item in items}))

    @staticmethod
    def _session_label(item: ProgrammeItem) -> str:
        label = item.title
        if item.host:
            label += f" ({item.host})"
        return label

    def session_bound_fields(self):
        return [self[name] for name, _items in self.session_fields]

    def chosen_sessions(self) -> list[ProgrammeItem]:
        chosen = []
        for name, items in self.session_fields:
            value = self.cleaned_data.get(name)
            if value:
                chosen.append(items[value])
        return chosen


class QuestionsMixin:
    """The meeting's own questions, one field each (`question_<pk>`).

    What is shown is what is checked: a question whose "show only if" answer was not
    chosen is not required and its answer is dropped, and a chosen answer that is not one
    of the question's own is refused like any wrong choice.
    """

    def add_question_fields(self, event: Event, *, places_left: dict | None = None) -> None:
        self.questions = list(event.questions.all())
        self.places_left = places_left or {}
        # The "show only if" answer, from the choices already read (no query per question).
        choices = {c.pk: c for q in self.questions for c in q.choices.all()}
        for question in self.questions:
            question.condition = choices.get(question.show_if_id)
        for question in self.questions:
            self.fields[self.question_field_name(question)] = self._question_field(question)

    @staticmethod
    def question_field_name(question) -> str:
        return f"question_{question.pk}"

    def _choice_label(self, choice) -> str:
        if choice.capacity is None:
            return choice.label
        left = self.places_left.get(choice.pk, choice.capacity)
        if left <= 0:
            return _("%(label)s (full)") % {"label": choice.label}
        return ngettext(
            "%(label)s (%(left)s place left)", "%(label)s (%(left)s places left)", left
        ) % {"label": choice.label, "left": left}

    def _question_field(self, question) -> forms.Field:
        kind = question.kind
        # Only a question that is always shown may carry the browser's own `required`.
        common = {
            "label": question.label,
            "help_text": question.help_text,
            "required": question.required and question.show_if_id is None,
        }
        Kind = question.Kind
        if kind == Kind.SHORT_TEXT:
            return forms.CharField(max_length=300, validators=[no_control_characters], **common)
        if kind == Kind.LONG_TEXT:
            return forms.CharField(
                max_length=2000,
                validators=[no_control_characters],
                widget=forms.Textarea(attrs={"rows": 3}),
                **common,
            )
        if kind == Kind.NUMBER:
            return forms.DecimalField(max_digits=12, decimal_places=2, **common)
        if kind == Kind.YES_NO:
            return forms.ChoiceField(
                choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
            )
        choices = [(str(c.pk), self._choice_label(c)) for c in question.choices.all()]
        if kind == Kind.ONE_CHOICE:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )

    def show_places_left(self, places_left: dict) -> None:
        """Put the places left in the labels of answers with a limit (for showing again)."""
        self.places_left = places_left
        for question in self.questions:
            if question.has_choices:
                field = self.fields[self.question_field_name(question)]
                field.choices = [(str(c.pk), self._choice_label(c)) for c in question.choices.all()]

    def question_bound_fields(self):
        return [(q, self[self.question_field_name(q)]) for q in self.questions]

    def clean_answers(self) -> None:
        """Sets `self.answers`: the answers to the questions shown, in order."""
        from .services import AnswerValue

        chosen: set[int] = set()
        self.answers = []
        for question in self.questions:
            name = self.question_field_name(question)
            if question.show_if_id is not None and question.show_if_id not in chosen:
                self.cleaned_data.pop(name, None)
                self.errors.pop(name, None)
                continue
            if name in self.errors:
                continue
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                if question.required:
                    self.add_error(name, _("Please answer this question."))
                continue
            answer = AnswerValue(question=question)
            if question.has_choices:
                by_pk = {str(c.pk): c for c in question.choices.all()}
                picked = value if isinstance(value, list) else [value]
                answer.choices = [by_pk[pk] for pk in picked]
                chosen.update(c.pk for c in answer.choices)
            elif question.kind == question.Kind.NUMBER:
                answer.number = value
            else:
                answer.text = value.strip() if isinstance(value, str) else value
            self.answers.append(answer)


class RegistrationForm(
    ModelLimitsMixin, SessionChoiceMixin, QuestionsMixin, HoneypotMixin, forms.Form
):
    limits_model = Registration

    name = forms.CharField(
        label=_("Your name"),
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send your ticket to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    party_size = forms.TypedChoiceField(
        label=_("How many people are coming, including you?"),
        coerce=int,
        initial=1,
        required=False,
        empty_value=1,
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        validators=[no_control_characters],
        help_text=_("Only if we may call you about this meeting."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}),
    )
    background = forms.ChoiceField(
        label=_("What describes you best?"),
        required=False,
        choices=[("", _("I would rather not say"))] + list(Registration.Background.choices),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    topic = forms.CharField(
        label=_("What would you like to talk about at the meeting?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    needs = forms.CharField(
        label=_("Do you need anything to take part? For example a wheelchair space or a diet."),
        required=False,
        help_text=_("Only the organisers of this meeting see this."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Ticked, it asks to follow the meeting's organisation (the label names it), with the
    # same double opt-in as the form on the organisation's page.
    newsletter_opt_in = forms.BooleanField(
        required=False,
        help_text=_(
            "We first send you an email to check. You get news only after you confirm, and "
            "every email has a link to stop."
        ),
    )

    def __init__(self, *args, event: Event, places_left: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        # Lazy: the organisation is read only when the form is shown, not on every sign-up.
        self.fields["newsletter_opt_in"].label = lazy(
            lambda: _("Tell me about new meetings of %(name)s") % {"name": event.organisation.name},
            str,
        )()
        self.fields["party_size"].choices = [
            (n, str(n)) for n in range(1, event.max_party_size + 1)
        ]
        if event.max_party_size == 1:
            del self.fields["party_size"]
        self.add_session_fields(event)
        self.add_question_fields(event, places_left=places_left)

    def clean_party_size(self) -> int:
        return self.cleaned_data.get("party_size") or 1

    def clean(self):
        data = super().clean()
        self.clean_answers()
        return data

    @property
    def fragment_key(self) -> str:
        """Names the empty form's markup: everything it is built from, and the language."""
        sessions = [
            (item.pk, item.start_time, item.title, item.host, item.kind, item.capacity)
            for item in self.event.programme.all()
            if item.is_choosable
        ]
        questions = [
            (
                q.pk,
                q.position,
                q.label,
                q.help_text,
                q.kind,
                q.required,
                q.show_if_id,
                [(c.pk, c.label, c.capacity) for c in q.choices.all()],
            )
            for q in self.questions
        ]
        built_from = (
            self.event.pk,
            self.event.organisation.name,  # in the label of the tick to follow it
            self.event.max_party_size,
            get_language(),
            sessions,
            questions,
            sorted(self.places_left.items()),  # limited answers: rebuilt as places go
        )
        return hashlib.sha256(repr(built_from).encode()).hexdigest()


class FollowForm(ModelLimitsMixin, HoneypotMixin, forms.Form):
    """An email address that asks to hear of new meetings of an organisation or a series."""

    limits_model = Follower

    email = forms.EmailField(
        label=_("Your email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        # Shown on pages with other content: ids of its own, the field names as usual.
        kwargs.setdefault("auto_id", "follow_%s")
        super().__init__(*args, **kwargs)


class RegistrationChangeForm(SessionChoiceMixin, QuestionsMixin, forms.Form):
    """Party size and sessions; the answers too while sign-up is open (`answers_editable`)."""

    party_size = forms.TypedChoiceField(
        label=_("How many people are coming, including you?"), coerce=int
    )

    def __init__(
        self, *args, registration: Registration, places_left: dict | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        event = registration.event
        self.fields["party_size"].choices = [
            (n, str(n)) for n in range(1, event.max_party_size + 1)
        ]
        self.fields["party_size"].initial = registration.party_size
        self.add_session_fields(event, initial=list(registration.sessions.all()))
        self.answers_editable = event.registration_state() == "open"
        self.answers = None  # None: the answers stay as they are
        if self.answers_editable:
            self.add_question_fields(event, places_left=places_left)
            self._answers_initial(registration)
        else:
            self.questions = []

    def _answers_initial(self, registration: Registration) -> None:
        given = {
            value.question.pk: value
            for value in answer_values(registration.answers.select_related("question", "choice"))
        }
        for question in self.questions:
            answer = given.get(question.pk)
            if answer is None:
                continue
            field = self.fields[self.question_field_name(question)]
            if question.kind == question.Kind.CHOICES:
                field.initial = [str(c.pk) for c in answer.choices]
            elif question.kind == question.Kind.ONE_CHOICE:
                field.initial = next((str(c.pk) for c in answer.choices), "")
            elif question.kind == question.Kind.NUMBER:
                field.initial = answer.number
            else:
                field.initial = answer.text

    def clean(self):
        data = super().clean()
        if self.answers_editable:
            self.clean_answers()
        return data


# Organiser forms ---------------------------------------------------------------------


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "organisation",
            "series",
            "title",
            "slug",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_street",
            "venue_postcode",
            "venue_city",
            "venue_accessibility",
            "capacity",
            "max_party_size",
            "registration_opens_at",
            "registration_closes_at",
            "reminder_days",
            "contact_email",
            "languages",
            "free_entry",
            "hosts",
            "title_en",
            "summary_en",
            "title_tr",
            "summary_tr",
            "title_ar",
            "summary_ar",
        ]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "registration_opens_at": DateTimeLocalInput(),
            "registration_closes_at": DateTimeLocalInput(),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "venue_accessibility": forms.Textarea(attrs={"rows": 2}),
            "hosts": forms.SelectMultiple(attrs={"size": 8}),
            "title_tr": forms.TextInput(attrs={"lang": "tr"}),
            "summary_tr": forms.Textarea(attrs={"rows": 2, "lang": "tr"}),
            "title_ar": forms.TextInput(attrs={"lang": "ar", "dir": "rtl"}),
            "summary_ar": forms.Textarea(attrs={"rows": 2, "lang": "ar", "dir": "rtl"}),
            "title_en": forms.TextInput(attrs={"lang": "en"}),
            "summary_en": forms.Textarea(attrs={"rows": 2, "lang": "en"}),
        }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        from initiatives.models import Initiative

        if organisations is None:
            # Editing: a meeting stays with its organisation (a superuser moves it in the
            # admin), so co-organisers cannot move it away from its team.
            del self.fields["organisation"]
        else:
            # Creating: one of the organisations the user organises for; the only one is
            # chosen already (and shown, so they see whose meeting it becomes).
            field = self.fields["organisation"]
            field.queryset = organisations.order_by("name")
            field.empty_label = None if len(field.queryset) == 1 else "—"
            field.help_text = _("The meeting belongs to this organisation and its team.")
        self._series_choices(organisations)

        # Real, published initiatives only; a catalogue of thousands stays a short list.
        chosen = self.instance.hosts.all() if self.instance.pk else Initiative.objects.none()
        self.fields["hosts"].queryset = (
            (Initiative.objects.filter(is_published=True, is_synthetic=False) | chosen)
            .distinct()
            .order_by("name")
        )
        self.fields["hosts"].required = False

    def _series_choices(self, organisations):
        """The series of the meeting's organisation (or of those it may be made for)."""
        from .models import Series

        field = self.fields["series"]
        if organisations is None:
            field.queryset = Series.objects.filter(organisation_id=self.instance.organisation_id)
        else:
            field.queryset = Series.objects.filter(organisation__in=organisations)
        field.queryset = field.queryset.select_related("organisation").order_by("title")
        field.required = False
        field.empty_label = _("— not part of a series —")
        field.help_text = _(
            "Optional. A series groups meetings, such as a tour or a yearly meeting."
        )
        if organisations is not None and len({s.organisation_id for s in field.queryset}) > 1:
            field.label_from_instance = lambda s: f"{s.title} ({s.organisation.name})"

    def clean(self):
        data = super().clean()
        series, organisation = data.get("series"), data.get("organisation")
        if series and organisation and series.organisation_id != organisation.pk:
            self.add_error("series", _("This series belongs to another organisation."))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if data.get("max_party_size") == 0:
            self.add_error("max_party_size", _("At least 1."))
        return data


class ProgrammeItemForm(forms.ModelForm):
    class Meta:
        model = ProgrammeItem
        fields = ["start_time", "end_time", "title", "kind", "host", "room", "capacity"]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


ProgrammeFormSet = forms.inlineformset_factory(
    Event, ProgrammeItem, form=ProgrammeItemForm, extra=2, can_delete=True
)


class EventDuplicateForm(ModelLimitsMixin, forms.Form):
    limits_model = Event

    title = forms.CharField(label=_("Title"))
    slug = forms.SlugField(label=_("Short name in the web address"))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeLocalInput())

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Event.objects.filter(slug=slug).exists():
            raise ValidationError(_("This web address is already in use."))
        return slug


class AttendeeAddForm(ModelLimitsMixin, forms.Form):
    limits_model = Registration

    name = forms.CharField(label=_("Name"), validators=[no_control_characters])
    email = forms.EmailField(label=_("Email address"))
    phone = forms.CharField(label=_("Phone number"), required=False)
    party_size = forms.IntegerField(label=_("Number of people"), min_value=1, initial=1)
    background = forms.ChoiceField(
        label=_("Background"),
        required=False,
        choices=[("", "—")] + list(Registration.Background.choices),
    )
    consent_note = forms.CharField(
        label=_("How did they agree to be registered?"),
        help_text=_("For example: “by phone on 3 May, agreed to receive email”."),
    )
    check_in_now = forms.BooleanField(label=_("Check in straight away (walk-in)"), required=False)


class AttendeeEditForm(forms.ModelForm):
    # Not saved by the form: a new party size goes through the capacity rules.
    party_size = forms.IntegerField(label=_("Number of people"), min_value=1)

    class Meta:
        model = Registration
        fields = ["name", "email", "phone", "background", "organisation", "needs"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # At most what the meeting allows per sign-up (the same rule as the public form).
        self.fields["party_size"] = forms.IntegerField(
            label=_("Number of people"),
            min_value=1,
            max_value=self.instance.event.max_party_size,
            initial=self.instance.party_size,
        )

    def clean_email(self):
        """Another active registration for this meeting may not have the address already."""
        email = self.cleaned_data["email"]
        taken = selectors.active_registrations_with_email(self.instance.event_id, email).exclude(
            pk=self.instance.pk
        )
        if self.instance.status != Registration.Status.CANCELLED and taken.exists():
            raise ValidationError(_("This email address was already registered."), code="taken")
        return email

    def clean_name(self):
        name = self.cleaned_data["name"]
        no_control_characters(name)
        return name


class MessageForm(ModelLimitsMixin, forms.Form):
    limits_model = OrganiserMessage

    audience = forms.ChoiceField(label=_("To"), choices=[])
    subject = forms.CharField(label=_("Subject"))
    body = forms.CharField(label=_("Message"), widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = OrganiserMessage.Audience.choices


class AttendeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or email"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(Registration.Status.choices),
    )
    background = forms.ChoiceField(
        label=_("Background"),
        required=False,
        choices=[("", _("All"))] + list(Registration.Background.choices),
    )
    session = forms.TypedChoiceField(label=_("Session"), required=False, coerce=int, choices=[])
    answer = forms.TypedChoiceField(label=_("Answer"), required=False, coerce=int, choices=[])
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("created_at", _("Date of registration")),
            ("name", _("Name")),
            ("status", _("Status")),
            ("-party_size", _("Number of people")),
        ],
    )

    def __init__(self, *args, event: Event, questions=None, with_sensitive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", _("All"))] + [
            (item.pk, str(item)) for item in event.programme.all() if item.is_choosable
        ]
        # Answers to choose, grouped per question; a sensitive question's only with needs.
        if questions is None:
            questions = selectors.event_questions(event)
        self.fields["answer"].choices = [("", _("All"))] + [
            (question.label, [(choice.pk, choice.label) for choice in question.choices.all()])
            for question in questions
            if question.has_choices
            and question.choices.all()
            and (with_sensitive or not question.sensitive)
        ]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"


class DoorLinkForm(ModelLimitsMixin, forms.Form):
    limits_model = DoorLink

    label = forms.CharField(
        label=_("For whom or which door"),
        validators=[no_control_characters],
        help_text=_("For example “Fatima, main entrance”. The volunteer sees it on their phone."),
    )


class CohostForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the co-organiser"),
        help_text=_("Someone who organises meetings here for another organisation."),
    )
