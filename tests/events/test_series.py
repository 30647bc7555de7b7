"""Series: a page and a calendar feed per series, the event page's link to it, the
organisers' series pages, the meeting form's choice, and a copy staying in its series."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event, Question, Series
from organisations.models import Role


@pytest.fixture
def series(organisation):
    return Series.objects.create(
        organisation=organisation, title="Bezoeken aan buurten", slug="bezoeken"
    )


@pytest.fixture
def meetings(make_event, series):
    now = timezone.now().replace(microsecond=0)
    return {
        "past": make_event(
            title="Eerste bezoek",
            series=series,
            starts_at=now - timedelta(days=60),
            ends_at=now - timedelta(days=60) + timedelta(hours=3),
        ),
        "next": make_event(title="Tweede bezoek", series=series),
        "later": make_event(
            title="Derde bezoek",
            series=series,
            starts_at=now + timedelta(days=90),
            ends_at=now + timedelta(days=90, hours=3),
        ),
        "cancelled": make_event(
            title="Afgelast bezoek", series=series, status=Event.Status.CANCELLED
        ),
        "draft": make_event(title="Geheim bezoek", series=series, status=Event.Status.DRAFT),
        "outside": make_event(title="Los van de reeks"),
    }


@pytest.fixture
def organiser(make_user, make_member, organisation):
    user = make_user("organiser", email="organiser@example.org")
    make_member(user, organisation, Role.ORGANISER)
    return user


def test_series_page_shows_upcoming_and_past_never_drafts(client, series, meetings):
    page = client.get("/reeksen/bezoeken/")
    assert page.status_code == 200
    upcoming = [e.title for e in page.context["upcoming"]]
    assert set(upcoming) == {"Tweede bezoek", "Afgelast bezoek", "Derde bezoek"}
    assert upcoming[-1] == "Derde bezoek"  # in date order (the other two share a date)
    assert [e.title for e in page.context["past"]] == ["Eerste bezoek"]
    assert "Geheim bezoek" not in page.text and "Los van de reeks" not in page.text
    assert series.organisation.name in page.text
    assert 'href="webcal://' in page.text


def test_unknown_series_is_404(client, db):
    assert client.get("/reeksen/bestaat-niet/").status_code == 404
    assert client.get("/reeksen/bestaat-niet/agenda.ics").status_code == 404


def test_series_feed_has_its_public_meetings_with_stable_uids(client, series, meetings):
    def entries():
        response = client.get("/reeksen/bezoeken/agenda.ics")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.content)
        assert str(calendar["x-wr-calname"]) == series.title
        # How often subscribed calendars look again, as RFC 7986 and Outlook read it.
        assert b"REFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n" in response.content
        assert b"X-PUBLISHED-TTL:PT4H\r\n" in response.content
        return {str(e["uid"]): e for e in calendar.walk("VEVENT")}

    first = entries()
    expected = {f"event-{meetings[k].pk}@zorgzaam" for k in ("past", "next", "later", "cancelled")}
    assert set(first) == expected
    cancelled = first[f"event-{meetings['cancelled'].pk}@zorgzaam"]
    assert str(cancelled["status"]) == "CANCELLED"

    event = meetings["next"]
    event.venue_name = "Andere zaal"
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=1)):
        event.save()
    uid = f"event-{event.pk}@zorgzaam"
    assert int(entries()[uid]["sequence"]) > int(first[uid]["sequence"])


def test_event_page_links_its_series_and_the_next_meeting(client, meetings):
    page = client.get(f"/evenementen/{meetings['next'].slug}/")
    assert 'href="/reeksen/bezoeken/"' in page.text
    assert page.context["next_in_series"] == meetings["later"]
    # The last one has no next; a meeting outside a series has neither.
    assert client.get(f"/evenementen/{meetings['later'].slug}/").context["next_in_series"] is None
    outside = client.get(f"/evenementen/{meetings['outside'].slug}/")
    assert outside.context["next_in_series"] is None and "/reeksen/" not in outside.text


def test_json_ld_names_organisation_as_organizer_and_series_as_super_event(
    client, meetings, series
):
    page = client.get(f"/evenementen/{meetings['next'].slug}/")
    text = page.text.split('<script type="application/ld+json">')[1].split("</script>")[0]
    data = json.loads(text)
    assert data["organizer"][0] == {
        "@type": "Organization",
        "name": series.organisation.name,
        "url": series.organisation.absolute_url,
    }
    assert data["superEvent"] == {
        "@type": "EventSeries",
        "name": series.title,
        "url": series.absolute_url,
    }
    outside = client.get(f"/evenementen/{meetings['outside'].slug}/").text
    assert "superEvent" not in outside


def test_json_ld_escapes_a_hostile_series_title(client, meetings, series):
    series.title = "</script><script>alert(1)</script>"
    series.save()
    page = client.get(f"/evenementen/{meetings['next'].slug}/").text
    assert "<script>alert(1)" not in page


def test_organisers_make_and_edit_a_series(client, organiser, organisation):
    client.force_login(organiser)
    url = f"/organisatie/organisaties/{organisation.slug}/reeksen/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Jaarlijks bestuurdersevent", "slug": ""})
    assert response.status_code == 302
    made = Series.objects.get()
    assert (made.slug, made.organisation) == ("jaarlijks-bestuurdersevent", organisation)
    edit = f"{url}{made.slug}/"
    response = client.post(
        edit, {"title": "Bestuurdersevent", "slug": "bestuurdersevent", "description": "Elk jaar"}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.title, made.slug, made.description) == (
        "Bestuurdersevent",
        "bestuurdersevent",
        "Elk jaar",
    )


def test_series_form_refuses_bad_input_with_400(client, organiser, organisation, series):
    client.force_login(organiser)
    url = f"/organisatie/organisaties/{organisation.slug}/reeksen/"
    for data in (
        {"title": ""},
        {"title": "x" * 201},
        {"title": "Nog een", "slug": "bezoeken"},  # taken
        {"title": "Nog een", "slug": "geen spaties!"},
        {"title": "Lang", "description": "x" * 5001},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
    assert Series.objects.count() == 1


def test_another_organisations_series_is_not_found(
    client, organiser, make_organisation, make_user, make_member
):
    elders = make_organisation("Elders", slug="elders")
    theirs = Series.objects.create(organisation=elders, title="Hun reeks", slug="hun-reeks")
    client.force_login(organiser)
    response = client.get(f"/organisatie/organisaties/elders/reeksen/{theirs.slug}/")
    assert response.status_code == 404
    # Nor through one's own organisation's address.
    mine = organiser.memberships.get().organisation.slug
    assert client.get(f"/organisatie/organisaties/{mine}/reeksen/hun-reeks/").status_code == 404


def _event_data(organisation, **extra):
    data = {
        "organisation": str(organisation.pk),
        "title": "Derde bezoek",
        "slug": "derde-bezoek",
        "summary": "Op bezoek.",
        "starts_at": "2030-05-01T10:00",
        "ends_at": "2030-05-01T12:00",
        "venue_name": "Buurthuis",
        "venue_city": "Assen",
        "max_party_size": "4",
        "reminder_days": "2",
        "languages": "nl",
        "programme-TOTAL_FORMS": "0",
        "programme-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_meeting_form_offers_only_the_organisations_series(
    client, organiser, organisation, series, make_organisation
):
    elders = make_organisation("Elders", slug="elders")
    theirs = Series.objects.create(organisation=elders, title="Hun reeks", slug="hun-reeks")
    client.force_login(organiser)
    form = client.get("/organisatie/evenementen/nieuw/").context["form"]
    assert list(form.fields["series"].queryset) == [series]

    forged = client.post(
        "/organisatie/evenementen/nieuw/", _event_data(organisation, series=theirs.pk)
    )
    assert forged.status_code == 400 and not Event.objects.filter(slug="derde-bezoek").exists()

    made = client.post(
        "/organisatie/evenementen/nieuw/", _event_data(organisation, series=series.pk)
    )
    assert made.status_code == 302
    assert Event.objects.get(slug="derde-bezoek").series == series


def test_copy_stays_in_the_series_and_keeps_its_questions(event, series):
    event.series = series
    event.save()
    which = event.questions.create(label="Welke workshop?", kind="one_choice", position=1)
    first = which.choices.create(label="Koken", capacity=12)
    which.choices.create(label="Tuinieren")
    diet = event.questions.create(
        label="Wat eet je niet?", kind="short_text", position=2, show_if=first, sensitive=True
    )
    copy = services.event_duplicate(
        event=event, starts_at=event.starts_at + timedelta(days=365), slug="volgend-jaar"
    )
    assert copy.series == series
    copied = {q.label: q for q in copy.questions.all()}
    assert set(copied) == {"Welke workshop?", "Wat eet je niet?"}
    assert copied["Welke workshop?"].pk != which.pk
    choices = {c.label: c for c in copied["Welke workshop?"].choices.all()}
    assert choices["Koken"].capacity == 12 and choices["Koken"].pk != first.pk
    # The condition points at the copy's own answer, not the original meeting's.
    assert copied["Wat eet je niet?"].show_if == choices["Koken"]
    assert copied["Wat eet je niet?"].sensitive
    # The original is untouched.
    diet.refresh_from_db()
    assert diet.show_if == first and Question.objects.filter(event=event).count() == 2


def test_door_volunteer_cannot_manage_series(client, organisation, make_member):
    door = User.objects.create_user("deur", password="pw-door-123")
    make_member(door, organisation, Role.DOOR)
    client.force_login(door)
    assert client.get(f"/organisatie/organisaties/{organisation.slug}/reeksen/").status_code == 403


def test_the_organisation_page_lists_its_series_with_their_public_meetings(
    client, organisation, series, meetings, make_organisation
):
    page = client.get(organisation.get_absolute_url()).text
    # Past, next, later and cancelled count; the draft does not.
    assert (
        f'<a href="{series.get_absolute_url()}">Bezoeken aan buurten</a> (4 bijeenkomsten)' in page
    )
    other = make_organisation("Zonder reeksen", slug="zonder-reeksen")
    assert 'id="series-title"' not in client.get(other.get_absolute_url()).text
