"""A meeting passed on: share links, the link-preview image's lines, the sign-up widget."""

import hashlib
from contextlib import suppress
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from organisations.forms.details import embed_origin

from .models import Event
from .og_image import LAYOUT_VERSION


def event_when(event: Event) -> str:
    """Date and times in the active language, e.g. "dinsdag 14 mei 2025, 19:30–22:00"."""
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return f"{formats.date_format(starts, 'l j F Y')}, {starts:%H:%M}–{ends:%H:%M}"


def event_where(event: Event) -> str:
    return ", ".join(part for part in (event.venue_name, event.venue_city) if part)


def is_shareable(event: Event) -> bool:
    """Only a meeting people can still come to is worth passing on."""
    return event.status == Event.Status.PUBLISHED and not event.is_past


def share_text(event: Event, *, newline: str = "\n") -> str:
    """Title, when and where, and the meeting's public page (never a ticket's link)."""
    lines = (event.title, event_when(event), event_where(event), event.absolute_url)
    return newline.join(line for line in lines if line)


def share_links(event: Event) -> dict[str, str]:
    return {
        "url": event.absolute_url,
        "whatsapp": "https://wa.me/?text=" + quote(share_text(event), safe=""),
        # RFC 6068: every reserved character percent-encoded, line breaks as CRLF.
        "email": "mailto:?subject="
        + quote(event.title, safe="")
        + "&body="
        + quote(share_text(event, newline="\r\n"), safe=""),
    }


def og_card(event: Event) -> dict[str, str]:
    """The lines of the link-preview image, in the active language."""
    return {
        "title": event.title,
        "when": event_when(event),
        "where": event_where(event),
        "organisation": event.organisation.name,
        "site": settings.SITE_NAME,
        "address": event.absolute_url.split("://", 1)[-1],
        "label": _("Cancelled") if event.status == Event.Status.CANCELLED else "",
    }


def og_digest(card: dict[str, str]) -> str:
    """Names one drawing: a changed title, date, place or language is another image."""
    data = repr((LAYOUT_VERSION, sorted(card.items())))
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def frame_ancestors(organisation) -> list[str]:
    """The origins that may frame the sign-up widget, as a CSP source list.

    The organisation's form checks each line already; checked again here because a line
    that got in another way (the admin, a script) must never put anything but an origin
    in a Content-Security-Policy header.
    """
    origins = []
    for number, line in enumerate(organisation.embed_origin_list, start=1):
        with suppress(ValidationError):
            origins.append(embed_origin(line, number))
    return origins


def widget_url(event: Event) -> str:
    return settings.SITE_URL + reverse("events:widget", kwargs={"slug": event.slug})


def widget_snippet(event: Event) -> str:
    """The HTML an organisation pastes into its own website to show the sign-up form."""
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="900" loading="lazy"></iframe>',
        widget_url(event),
        _("Sign up: %(title)s") % {"title": event.title},
    )
