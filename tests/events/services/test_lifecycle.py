from datetime import time, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from events import services
from events.models import Event, ProgrammeItem, Registration


def sign_up(event, email, **kwargs):
    kwargs.setdefault("name", email.split("@")[0])
    return services.registration_create(event=event, email=email, **kwargs)


def test_higher_capacity_promotes_waiting_list(event):
    for n in range(10):
        sign_up(event, f"p{n}@example.org")
    waiting = sign_up(event, "w@example.org", party_size=2).registration
    assert waiting.status == Registration.Status.WAITLIST
    promoted = services.event_capacity_change(event=event, capacity=12)
    assert [r.pk for r in promoted] == [waiting.pk]


def _details(**fields):
    start = timezone.now().replace(microsecond=0) + timedelta(days=30)
    details = {
        "title": "Koffieochtend",
        "slug": "koffieochtend",
        "summary": "Samen koffie drinken.",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "venue_name": "Buurthuis",
        "venue_city": "Assen",
        "capacity": 10,
    }
    details.update(fields)
    return details


def test_create_makes_a_draft_of_the_organisation_with_its_programme(organisation):
    event = services.event_create(
        organisation=organisation,
        details=_details(),
        programme=[ProgrammeItem(start_time=time(10, 0), title="Welkom")],
    )
    assert event.status == Event.Status.DRAFT
    assert event.organisation == organisation
    # The team is the organisation's: nobody is named a co-organiser by creating it.
    assert not event.organisers.exists()
    assert list(event.programme.values_list("title", flat=True)) == ["Welkom"]


def test_create_with_a_slug_in_use_is_slug_taken(organisation, event):
    with pytest.raises(services.EventError) as error:
        services.event_create(organisation=organisation, details=_details(slug=event.slug))
    assert error.value.code == "slug_taken"


def test_update_promotes_on_more_places_and_changes_the_programme(event, sessions, make_user):
    event.capacity = 1
    event.save()
    sign_up(event, "a@example.org")
    waiting = sign_up(event, "w@example.org").registration
    result = services.event_update(
        event=event,
        details={"capacity": 2, "title": "Nieuwe titel"},
        programme=[ProgrammeItem(start_time=time(16, 0), title="Afsluiting")],
        programme_removed=[sessions["plenary"]],
    )
    assert [r.pk for r in result.promoted] == [waiting.pk]
    event.refresh_from_db()
    assert (event.capacity, event.title) == (2, "Nieuwe titel")
    assert not event.organisers.exists()  # editing makes nobody an organiser
    assert sorted(event.programme.values_list("title", flat=True)) == [
        "Afsluiting",
        "Grote zaal",
        "Kleine kring",
    ]


def test_update_is_one_transaction(event, make_user):
    broken = ProgrammeItem(start_time=None, title="Zonder tijd")  # NOT NULL refuses it
    with pytest.raises(IntegrityError):
        services.event_update(
            event=event,
            details={"title": "Nieuwe titel"},
            programme=[broken],
        )
    event.refresh_from_db()
    assert event.title == "Buurtbijeenkomst"


def test_publish_only_a_draft(make_event):
    draft = make_event(status=Event.Status.DRAFT)
    assert services.event_publish(event=draft).status == Event.Status.PUBLISHED
    with pytest.raises(services.EventError) as error:
        services.event_publish(event=draft)
    assert error.value.code == "not_draft"


def test_duplicate_keeps_organisation_and_co_organisers_and_refuses_a_slug_in_use(
    event, sessions, make_user
):
    cohost = make_user("cohost")
    event.organisers.add(cohost)
    copy = services.event_duplicate(
        event=event, starts_at=event.starts_at + timedelta(days=7), slug="volgende-week"
    )
    assert copy.status == Event.Status.DRAFT
    assert copy.organisation_id == event.organisation_id
    assert list(copy.organisers.all()) == [cohost]
    assert copy.programme.count() == 3
    with pytest.raises(services.EventError) as error:
        services.event_duplicate(event=event, starts_at=event.starts_at, slug="volgende-week")
    assert error.value.code == "slug_taken"
