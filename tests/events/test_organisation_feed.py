"""/organisaties/<slug>/agenda.ics: the calendar feed of one organisation's meetings."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from icalendar import Calendar

from events.models import Event


@pytest.fixture
def meetings(make_event, make_organisation, organisation):
    elders = make_organisation("Elders", slug="elders")
    return {
        "published": make_event(title="Open bijeenkomst"),
        "cancelled": make_event(title="Gaat niet door", status=Event.Status.CANCELLED),
        "draft": make_event(title="Nog geheim", status=Event.Status.DRAFT),
        "elsewhere": make_event(title="Van een ander", organisation=elders),
    }


def feed(client, organisation):
    response = client.get(f"/organisaties/{organisation.slug}/agenda.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def vevents(calendar) -> dict[str, object]:
    return {str(entry["uid"]): entry for entry in calendar.walk("VEVENT")}


def uid(event) -> str:
    return f"event-{event.pk}@zorgzaam"


def test_one_vevent_per_public_meeting_of_the_organisation(client, organisation, meetings):
    entries = vevents(feed(client, organisation))
    assert set(entries) == {uid(meetings["published"]), uid(meetings["cancelled"])}
    titles = {str(entry["summary"]) for entry in entries.values()}
    assert titles == {"Open bijeenkomst", "Gaat niet door"}
    published = entries[uid(meetings["published"])]
    assert published.decoded("dtstart") == meetings["published"].starts_at
    assert str(published["url"]) == meetings["published"].absolute_url


def test_other_organisations_feed_has_only_its_own(client, meetings):
    elders = meetings["elsewhere"].organisation
    assert set(vevents(feed(client, elders))) == {uid(meetings["elsewhere"])}


def test_calendar_is_named_after_the_organisation(client, organisation, meetings):
    calendar = feed(client, organisation)
    assert str(calendar["x-wr-calname"]) == organisation.name


def test_uid_is_stable_and_sequence_grows_after_an_edit(client, organisation, meetings):
    event = meetings["published"]
    first = vevents(feed(client, organisation))[uid(event)]
    again = vevents(feed(client, organisation))[uid(event)]
    assert str(again["uid"]) == str(first["uid"])
    assert int(again["sequence"]) == int(first["sequence"])

    later = timezone.now() + timedelta(hours=2)
    event.title = "Open bijeenkomst (nieuwe zaal)"
    with mock.patch("django.utils.timezone.now", return_value=later):
        event.save()
    edited = vevents(feed(client, organisation))[uid(event)]
    assert str(edited["uid"]) == str(first["uid"])
    assert int(edited["sequence"]) > int(first["sequence"])
    assert str(edited["summary"]) == "Open bijeenkomst (nieuwe zaal)"
    assert edited.decoded("last-modified") > first.decoded("last-modified")


def test_cancelled_meeting_is_marked_cancelled(client, organisation, meetings):
    entries = vevents(feed(client, organisation))
    assert str(entries[uid(meetings["cancelled"])]["status"]) == "CANCELLED"
    assert str(entries[uid(meetings["published"])]["status"]) == "CONFIRMED"


def test_publishing_a_draft_adds_it(client, organisation, meetings):
    draft = meetings["draft"]
    assert uid(draft) not in vevents(feed(client, organisation))
    draft.status = Event.Status.PUBLISHED
    draft.save()
    assert uid(draft) in vevents(feed(client, organisation))


def test_empty_organisation_gives_an_empty_calendar(client, make_organisation):
    calendar = feed(client, make_organisation("Leeg", slug="leeg"))
    assert calendar.walk("VEVENT") == []


def test_unknown_organisation_is_404(client, db):
    assert client.get("/organisaties/bestaat-niet/agenda.ics").status_code == 404


def test_the_cached_feed_follows_every_change(client, organisation, meetings, make_event):
    """The feed is cached; a change, a cancellation, a new and a deleted meeting show."""
    published = meetings["published"]
    assert uid(published) in vevents(feed(client, organisation))
    published.title = "Nieuwe titel"
    published.status = Event.Status.CANCELLED
    published.save()
    entry = vevents(feed(client, organisation))[uid(published)]
    assert (str(entry["summary"]), str(entry["status"])) == ("Nieuwe titel", "CANCELLED")
    added = make_event(title="Erbij")
    assert uid(added) in vevents(feed(client, organisation))
    gone = meetings["cancelled"]
    gone_uid = uid(gone)
    gone.delete()
    assert gone_uid not in vevents(feed(client, organisation))
    organisation.name = "Andere naam"
    organisation.save()
    assert str(feed(client, organisation)["x-wr-calname"]) == "Andere naam"
