"""The public side: searching the list of organisations, and asking to start with Zorgzaam.

The coordinators' answers to those requests (approve with a web address, decline with a
reason) are here too, beside the request they answer.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from zorgzaam.forms import HoneypotMixin, ModelLimitsMixin, model_max_length
from zorgzaam.validators import no_control_characters, without_control_characters

from ..models import Organisation, OrganisationRequest, slug_not_reserved

SEARCH_MAX_LENGTH = 200


def organisation_search_text(params) -> str:
    """The `q` of the list, tidied: one space between words, no control characters."""
    q = " ".join(str(params.get("q", "")).split())[:SEARCH_MAX_LENGTH]
    return without_control_characters(q)


class OrganisationRequestForm(ModelLimitsMixin, HoneypotMixin, forms.Form):
    """Ask to start with Zorgzaam: four questions, a coordinator answers by email."""

    limits_model = OrganisationRequest

    organisation_name = forms.CharField(
        label=_("Name of your organisation or group"),
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    name = forms.CharField(
        label=_("Your name"),
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send our answer to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    purpose = forms.CharField(
        label=_("What do you want to organise?"),
        help_text=_("For example: meetings for residents in our village, a few times a year."),
        validators=[no_control_characters],
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RequestApproveForm(forms.Form):
    """The coordinator may choose the organisation's web address; empty: made from its name."""

    slug = forms.SlugField(
        label=_("Short name in the web address"),
        max_length=model_max_length(Organisation, "slug"),
        required=False,
        help_text=_("Small letters, digits and dashes. It cannot be changed later."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug:
            slug_not_reserved(slug)
        if slug and Organisation.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                _("Another organisation already has this web address."), code="taken"
            )
        return slug


class RequestDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=model_max_length(OrganisationRequest, "decline_reason"),
        required=False,
        validators=[no_control_characters],
        help_text=_("We send this in the email to the person who asked."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
