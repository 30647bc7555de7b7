"""The organisers' series form."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Series

SLUG_LENGTH = Series._meta.get_field("slug").max_length
SLUG_TAKEN = _("Another series already has this web address.")


def _slug_from_title(title: str, *, exclude_pk: int | None) -> str:
    """The title as a web address that fits its column and is free: "bezoeken-2" if need be."""
    base = slugify(title)[:SLUG_LENGTH].strip("-")
    taken = Series.objects.exclude(pk=exclude_pk)
    slug, number = base, 1
    while slug and taken.filter(slug=slug).exists():
        number += 1
        suffix = f"-{number}"
        slug = base[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
    return slug


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
        # Addresses are compared in lower case, so "Bezoeken" cannot sit beside "bezoeken".
        typed = (self.cleaned_data.get("slug") or "").lower()
        if not typed:
            if "title" not in self.cleaned_data:
                return ""  # the title's own error says what to fix
            made = _slug_from_title(self.cleaned_data["title"], exclude_pk=self.instance.pk)
            if not made:
                raise forms.ValidationError(_("Give a short name for the web address."))
            return made
        if Series.objects.filter(slug__iexact=typed).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(SLUG_TAKEN, code="unique")
        return typed

    def save(self, commit=True):
        self.instance.organisation = self.organisation
        return super().save(commit)
