"""A meeting passed on: the share row, the link-preview image, the widget's snippet."""

from django import template
from django.conf import settings
from django.urls import reverse

from organisations.permissions import TEAM, capabilities

from ..og_image import HEIGHT, WIDTH
from ..sharing import (
    frame_ancestors,
    is_shareable,
    og_card,
    og_digest,
    share_links,
    share_text,
    widget_snippet,
    widget_url,
)

register = template.Library()


@register.inclusion_tag("events/_share.html")
def share_row(event):
    """WhatsApp, email and copy links to the meeting's public page (never a ticket's)."""
    if not is_shareable(event):
        return {"shareable": False}
    return {
        "shareable": True,
        "event": event,
        "links": share_links(event),
        "text": share_text(event),
    }


@register.simple_tag
def og_image(event) -> dict:
    """The Open Graph image: its address changes with what it shows, so previews refresh."""
    card = og_card(event)
    url = settings.SITE_URL + reverse("events:og_image", kwargs={"slug": event.slug})
    return {
        "url": f"{url}?v={og_digest(card)[:12]}",
        "width": WIDTH,
        "height": HEIGHT,
        "alt": " · ".join(part for part in (card["title"], card["when"], card["where"]) if part),
    }


@register.simple_tag
def widget_embedding(event, user) -> dict:
    """For the organiser's page: the snippet to copy, and which websites may show it."""
    return {
        "url": widget_url(event),
        "snippet": widget_snippet(event),
        "origins": frame_ancestors(event.organisation),
        "may_list_origins": TEAM in capabilities(user, event.organisation_id),
    }
