"""Organisations shown on other apps' pages, so those apps need not know the model."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings

from ..models import Organisation

register = template.Library()


@register.simple_tag
def organisation_for_initiative(initiative):
    """The organisation on Zorgzaam behind a catalogue entry, or None."""
    return Organisation.objects.filter(initiative=initiative).only("name", "slug").first()


@register.filter
def webcal(path: str) -> str:
    """A site path as a webcal:// address, which calendar apps open as a subscription."""
    return f"webcal://{urlsplit(settings.SITE_URL).netloc}{path}"
