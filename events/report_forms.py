"""The organisers' forms for a meeting's report: text and video, a photo, an agreement."""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative
from zorgzaam.images import clean_image_upload

from .models import Report, ReportAgreement
from .services.report import ALT_MAX, WHAT_MAX, WHO_MAX

PHOTO_MAX_SIDE = 1600


class PlainTextField(forms.CharField):
    """Text whose line breaks count as one character, as the browser counts them for its
    maxlength; it sends them as CRLF, which would otherwise count twice."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class ReportTextForm(forms.Form):
    summary = PlainTextField(
        label=_("Summary"),
        required=False,
        max_length=Report.SUMMARY_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=Report._meta.get_field("summary").help_text,
    )
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=Report._meta.get_field("video_url").help_text,
    )

    def clean_video_url(self):
        url = self.cleaned_data["video_url"]
        if url and urlsplit(url).scheme not in ("http", "https"):
            raise ValidationError(_("Give a web address that starts with https://."))
        return url

    def clean(self):
        # A browser sends both fields, even empty; a post that leaves one out (a script, a
        # file where the text goes) would otherwise wipe what is stored.
        data = super().clean()
        for name, field in self.fields.items():
            if field.widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name)):
                self.add_error(name, ValidationError(field.error_messages["required"], "required"))
        return data


class ReportPhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("PNG, JPEG, WebP or GIF, at most 5 MB. Location and camera data are removed."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )
    alt_text = forms.CharField(
        label=_("What is on the photo?"),
        max_length=ALT_MAX,
        help_text=_("For people who cannot see it, for example: “Residents talk at round tables”."),
    )

    def clean_image(self):
        return clean_image_upload(self.cleaned_data["image"], max_side=PHOTO_MAX_SIDE)


class AgreementForm(forms.Form):
    what = forms.CharField(label=_("What was agreed?"), max_length=WHAT_MAX)
    who = forms.CharField(
        label=_("Who does it?"),
        max_length=WHO_MAX,
        required=False,
        help_text=_("A person, team or organisation. Or choose an initiative below."),
    )
    initiative = forms.ModelChoiceField(
        label=_("Initiative from the catalogue"),
        queryset=Initiative.objects.none(),
        required=False,
        help_text=_("The agreement is then shown on the initiative's page too."),
    )
    due_on = forms.DateField(
        label=_("By when?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    state = forms.ChoiceField(
        label=_("State"), choices=ReportAgreement.State.choices, initial="open"
    )

    def __init__(self, *args, agreement: ReportAgreement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        # Published initiatives, and the one already chosen even if it is no longer.
        queryset = Initiative.objects.filter(is_published=True, is_synthetic=False)
        if agreement is not None and agreement.initiative_id:
            queryset = queryset | Initiative.objects.filter(pk=agreement.initiative_id)
        self.fields["initiative"].queryset = queryset.distinct().order_by("name")
        if agreement is None:
            del self.fields["state"]

    def clean(self):
        data = super().clean()
        if self.agreement is not None:
            # As in a ModelForm: a field left out of the post (not sent empty) keeps what is
            # stored, so a post of only the state does not wipe the date or the initiative.
            for name in ("who", "initiative", "due_on"):
                widget = self.fields[name].widget
                if widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name)):
                    data[name] = getattr(self.agreement, name)
        # Only when both were readable: a too-long name or an unknown initiative has its own error.
        if (
            "who" in data
            and "initiative" in data
            and not (data["who"].strip() or data["initiative"])
        ):
            self.add_error("who", _("Say who does it, or choose an initiative."))
        return data
