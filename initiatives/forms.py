from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from zorgzaam.forms import HoneypotMixin, ModelLimitsMixin, model_max_length
from zorgzaam.validators import no_control_characters, without_control_characters

from .models import (
    POSTCODE_AREA,
    Activity,
    CorrectionReport,
    Initiative,
    InitiativeType,
    Municipality,
    ReportItem,
    TargetGroup,
)
from .selectors import FACET_PARAMS, SORTS, CatalogueQuery
from .services import EDITABLE_FIELDS, M2M_FIELDS

MAX_FILTER_VALUES = 50


def catalogue_query(params) -> CatalogueQuery:
    """Read the catalogue state from the URL; unknown values are simply left out."""
    q = " ".join(str(params.get("q", "")).split())[:200]
    q = without_control_characters(q)
    filters = {}
    for param in FACET_PARAMS:
        values = []
        for value in params.getlist(param)[:MAX_FILTER_VALUES]:
            value = value.strip()[:100]
            if value and value not in values:
                values.append(value)
        if values:
            filters[param] = values
    sort = params.get("sort", "")
    return CatalogueQuery(q=q, filters=filters, sort=sort if sort in SORTS else "")


# Only web pages: no ftp:, and never javascript: or data: (URLValidator's default allows ftp).
WEB_ADDRESS = URLValidator(schemes=["http", "https"])


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        return f"{obj.name} ({obj.province.name})"


class SubmissionForm(ModelLimitsMixin, HoneypotMixin, forms.Form):
    """The public form to add an initiative (B1 language, few required fields)."""

    limits_model = Initiative

    name = forms.CharField(label=_("Name of the initiative"), validators=[no_control_characters])
    initiative_type = forms.ModelChoiceField(
        label=_("What kind of initiative is it?"),
        queryset=InitiativeType.objects.all(),
        empty_label=_("Choose a type"),
    )
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.select_related("province"),
        empty_label=_("Choose a municipality"),
        help_text=_("The municipality where the initiative is active."),
    )
    place = forms.CharField(
        label=_("Village, town or neighbourhood"),
        required=False,
        validators=[no_control_characters],
    )
    postcode_area = forms.CharField(
        label=_("Postcode (only the 4 digits)"),
        required=False,
        validators=[POSTCODE_AREA],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    summary = forms.CharField(
        label=_("In one sentence: what do you do?"),
        required=False,
        validators=[no_control_characters],
    )
    description = forms.CharField(
        label=_("Tell more (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("What do you do?"),
        queryset=Activity.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("For whom?"),
        queryset=TargetGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", validators=[WEB_ADDRESS]
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        required=False,
        validators=[no_control_characters],
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        required=False,
        validators=[no_control_characters],
    )
    contact_consent = forms.BooleanField(
        label=_("These contact details may be shown on the website."),
        required=False,
        help_text=_("Without this tick they stay hidden. Only coordinators see them."),
    )
    submitter_name = forms.CharField(
        label=_("Your name"),
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    submitter_email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send you a message when we have looked at your submission."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    not_a_duplicate = forms.BooleanField(
        label=_("Yes, this is a different initiative. Add it anyway."),
        required=False,
    )


class CorrectionForm(ModelLimitsMixin, HoneypotMixin, forms.Form):
    limits_model = CorrectionReport

    message = forms.CharField(
        label=_("What is wrong or has changed?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reporter_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        validators=[no_control_characters],
    )
    reporter_email = forms.EmailField(
        label=_("Your email address (optional)"),
        required=False,
        help_text=_("Only if we may ask you something about it."),
    )


class InitiativeEditForm(ModelLimitsMixin, forms.ModelForm):
    """What a coordinator can change while reviewing an entry."""

    # ModelForm limits the fields it makes itself; this also covers the ones declared here.
    limits_model = Initiative

    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.select_related("province"),
        required=False,
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", validators=[WEB_ADDRESS]
    )

    class Meta:
        model = Initiative
        # The fields the services let a coordinator edit, with the terms after the text.
        fields = [*EDITABLE_FIELDS[:4], *M2M_FIELDS, *EDITABLE_FIELDS[4:]]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "approaches": forms.CheckboxSelectMultiple,
            "activities": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "partner_kinds": forms.CheckboxSelectMultiple,
        }


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the submitter receives it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Initiative.objects.filter(publication=Initiative.Publication.PUBLISHED),
        widget=forms.NumberInput,
        help_text=_("The number of the existing entry."),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False)


SEVERITY_NONE = ""


def _severity_choices():
    return [(SEVERITY_NONE, _("no knelpunt")), *ReportItem.Severity.choices]


class BottleneckReportForm(HoneypotMixin, forms.Form):
    """Knelpunten per category, plus needs and successes (one per line)."""

    needs = forms.CharField(
        label=_("What do you need? (one per line)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
    )
    successes = forms.CharField(
        label=_("What went well? (one per line)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Two fields per category, in the order of ReportItem.Category.
        self.category_rows = []
        for value, label in ReportItem.Category.choices:
            self.fields[f"severity_{value}"] = forms.ChoiceField(
                label=_("How big is this knelpunt?"),
                choices=_severity_choices(),
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"description_{value}"] = forms.CharField(
                label=_("Short description (optional)"),
                max_length=model_max_length(ReportItem, "description"),
                required=False,
                validators=[no_control_characters],
            )
            self.category_rows.append((value, label))

    @property
    def categories(self):
        return [
            {
                "value": value,
                "label": label,
                "severity": self[f"severity_{value}"],
                "description": self[f"description_{value}"],
            }
            for value, label in self.category_rows
        ]

    def clean(self):
        cleaned = super().clean()
        bottlenecks = []
        for value, _label in self.category_rows:
            severity = cleaned.get(f"severity_{value}") or ""
            description = cleaned.get(f"description_{value}") or ""
            if severity:
                bottlenecks.append((value, severity, description))
            elif description:
                self.add_error(f"severity_{value}", _("Choose how big this knelpunt is."))
        cleaned["bottlenecks"] = bottlenecks
        cleaned["need_list"] = [
            line for line in cleaned.get("needs", "").splitlines() if line.strip()
        ]
        cleaned["success_list"] = [
            line for line in cleaned.get("successes", "").splitlines() if line.strip()
        ]
        if not self.errors and not (bottlenecks or cleaned["need_list"] or cleaned["success_list"]):
            raise ValidationError(
                _("Fill in at least one knelpunt, need or success."), code="empty"
            )
        return cleaned


class MonitorFilterForm(forms.Form):
    """Filters of the knelpunten monitor (the same slugs as the catalogue facets)."""

    provincie = forms.ModelChoiceField(
        label=_("Province"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("All provinces"),
    )
    gemeente = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.select_related("province"),
        required=False,
        to_field_name="slug",
        empty_label=_("All municipalities"),
    )
    type = forms.ModelChoiceField(
        label=_("Type"),
        queryset=InitiativeType.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All types"),
    )

    def __init__(self, *args, **kwargs):
        from .models import Province

        super().__init__(*args, **kwargs)
        self.fields["provincie"].queryset = Province.objects.all()
        for form_field in self.fields.values():
            form_field.widget.attrs["class"] = "form-select"

    def filters(self) -> dict[str, list[str]]:
        if not self.is_bound:
            return {}
        # Unknown values are left out (and shown as an error); the others still filter.
        self.is_valid()
        return {key: [value.slug] for key, value in self.cleaned_data.items() if value is not None}


class AreaForm(forms.Form):
    """One municipality or one province for the overlap and gaps overview."""

    gemeente = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.select_related("province"),
        required=False,
        to_field_name="slug",
        empty_label=_("Choose a municipality"),
    )
    provincie = forms.ModelChoiceField(
        label=_("or a province"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("Choose a province"),
    )

    def __init__(self, *args, **kwargs):
        from .models import Province

        super().__init__(*args, **kwargs)
        self.fields["provincie"].queryset = Province.objects.all()
        for form_field in self.fields.values():
            form_field.widget.attrs["class"] = "form-select"

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("gemeente") or cleaned.get("provincie")):
            raise ValidationError(_("Choose a municipality or a province."), code="empty")
        if cleaned.get("gemeente"):
            cleaned["provincie"] = None
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
