"""The organisers' series form."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Series


class SeriesForm(forms.ModelForm):
    class Meta:
        model = Series
        fields = ["title", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "slug": _("Lower-case letters, digits and hyphens. Empty: made from the name."),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["slug"].required = False

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("title") or "")[:100]
        if not slug:
            raise forms.ValidationError(_("Give a short name for the web address."))
        taken = Series.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another series already has this web address."))
        return slug

    def save(self, commit=True):
        self.instance.organisation = self.organisation
        return super().save(commit)
