"""The access rules the organiser pages are wrapped in (defined in events.permissions)."""

from organisations.permissions import CHECK_IN, EVENTS

from ..permissions import door_link_required, event_creator_required, event_required, login_rule

manages_event = event_required(EVENTS)
checks_in = event_required(CHECK_IN)

__all__ = [
    "checks_in",
    "door_link_required",
    "event_creator_required",
    "login_rule",
    "manages_event",
]
