"""Meetings shown on other apps' pages, so those apps need not know the meetings' models."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("events/includes/_upcoming_for_initiative.html")
def upcoming_meetings_for(initiative):
    """The published meetings still to come that this initiative hosts."""
    return {"events": selectors.events_upcoming_for_initiative(initiative)}
