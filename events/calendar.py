"""iCalendar (.ics) files for a meeting, for the attendee's own agenda."""

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Event


def event_ics(event: Event, *, url: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Zorgzaam//zorgzaam//NL")
    calendar.add("version", "2.0")
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@zorgzaam")
    entry.add("summary", event.title)
    entry.add("dtstamp", timezone.now())
    tz = timezone.get_default_timezone()
    entry.add("dtstart", event.starts_at.astimezone(tz))
    entry.add("dtend", event.ends_at.astimezone(tz))
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
    entry.add("description", f"{event.summary}\n\n{url or event.absolute_url}")
    entry.add("url", url or event.absolute_url)
    if event.status == Event.Status.CANCELLED:
        entry.add("status", "CANCELLED")
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
