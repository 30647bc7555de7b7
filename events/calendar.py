"""iCalendar (.ics): one meeting for the attendee's own agenda, or a feed of many.

Each meeting is one VEVENT with a stable UID, so a calendar that subscribed to a feed
updates the entry instead of adding a second one; SEQUENCE and LAST-MODIFIED rise with
every change, and a cancelled meeting stays in the feed marked STATUS:CANCELLED.
"""

import hashlib
from collections.abc import Iterable
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from icalendar import Calendar, vDuration
from icalendar import Event as CalendarEvent

from .models import Event


def _calendar(name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Zorgzaam//zorgzaam//NL")
    calendar.add("version", "2.0")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
        # Ask subscribed calendars to look again every few hours.
        calendar.add("refresh-interval", timedelta(hours=4), parameters={"VALUE": "DURATION"})
        # An X- property has no type of its own: given a timedelta, icalendar writes
        # "4:00:00", which Outlook cannot read. Typed, it is the duration "PT4H".
        calendar.add("x-published-ttl", vDuration(timedelta(hours=4)))
    return calendar


def _vevent(event: Event, *, url: str | None = None) -> CalendarEvent:
    url = url or event.absolute_url
    tz = timezone.get_default_timezone()
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@zorgzaam")
    entry.add("summary", event.title)
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at.astimezone(tz))
    entry.add("dtend", event.ends_at.astimezone(tz))
    if event.updated_at and event.created_at:
        entry.add("last-modified", event.updated_at)
        entry.add("sequence", max(int((event.updated_at - event.created_at).total_seconds()), 0))
    entry.add(
        "location",
        ", ".join(
            part
            for part in (
                event.venue_name,
                event.venue_street,
                f"{event.venue_postcode} {event.venue_city}".strip(),
            )
            if part
        ),
    )
    entry.add("description", f"{event.summary}\n\n{url}")
    entry.add("url", url)
    if event.status == Event.Status.CANCELLED:
        entry.add("status", "CANCELLED")
    else:
        entry.add("status", "CONFIRMED")
    return entry


def event_ics(event: Event, *, url: str | None = None) -> bytes:
    calendar = _calendar()
    calendar.add_component(_vevent(event, url=url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


# A feed is asked for every few hours by every subscribed calendar; it changes only when
# one of its meetings does.
FEED_CACHE_SECONDS = 3600


def feed_ics_cached(events: QuerySet[Event], *, name: str) -> bytes:
    """`feed_ics`, cached under what the feed is made of: its meetings' number and last
    change (one aggregate query). A meeting added, changed, cancelled, deleted or moved out
    of the window gives another key, so a cached feed is never out of date by more than
    its DTSTAMP."""
    state = events.order_by().aggregate(count=Count("pk"), changed=Max("updated_at"))
    digest = hashlib.sha256(
        f"{name}|{state['count']}|{state['changed']}|{get_language()}".encode()
    ).hexdigest()
    key = f"feed-ics:{digest}"
    body = cache.get(key)
    if body is None:
        body = feed_ics(events, name=name)
        cache.set(key, body, FEED_CACHE_SECONDS)
    return body


def feed_ics(events: Iterable[Event], *, name: str) -> bytes:
    """A subscribable feed: one VEVENT per meeting."""
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_vevent(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()
