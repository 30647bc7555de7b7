from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import Event, OutgoingEmail, Registration


def sign_up(event, email, **kwargs):
    kwargs.setdefault("name", email.split("@")[0])
    return services.registration_create(event=event, email=email, **kwargs)


def test_sign_up_within_capacity_is_confirmed(event):
    signup = sign_up(event, "ans@example.org", party_size=3)
    assert signup.created
    registration = signup.registration
    assert registration.status == Registration.Status.CONFIRMED
    assert event.seats_left() == 7
    assert len(registration.management_token) >= 43
    assert len(registration.ticket_code) >= 22
    assert registration.management_token != registration.ticket_code


def test_party_that_does_not_fit_goes_on_waiting_list_with_position(event):
    sign_up(event, "a@example.org", party_size=4)
    sign_up(event, "b@example.org", party_size=4)
    first = sign_up(event, "c@example.org", party_size=3).registration
    second = sign_up(event, "d@example.org", party_size=1).registration
    assert first.status == Registration.Status.WAITLIST
    assert first.waitlist_position() == 1
    # One person still fits in the two remaining seats, so the single is confirmed.
    assert second.status == Registration.Status.CONFIRMED
    third = sign_up(event, "e@example.org", party_size=2).registration
    assert third.status == Registration.Status.WAITLIST
    assert third.waitlist_position() == 2


def test_unlimited_event_confirms_everyone(make_event):
    event = make_event(capacity=None)
    for n in range(30):
        assert sign_up(event, f"p{n}@example.org", party_size=4).registration.status == "confirmed"
    assert event.seats_left() is None


def test_same_email_again_creates_nothing_and_resends_link(event, mailoutbox):
    first = sign_up(event, "Ans@Example.ORG")
    again = sign_up(event, "Ans@example.org", name="Someone else")
    assert not again.created
    assert again.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1
    assert list(
        OutgoingEmail.objects.filter(registration=first.registration).values_list("kind", flat=True)
    ) == ["confirmation", "link_resent"]


def test_cancelled_registration_allows_signing_up_again(event):
    first = sign_up(event, "ans@example.org").registration
    services.registration_cancel(registration=first)
    again = sign_up(event, "ans@example.org")
    assert again.created
    assert again.registration.pk != first.pk


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": Event.Status.DRAFT}, "draft"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "not_yet"),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "closed"),
    ],
)
def test_registration_refused_when_not_open(make_event, change, code):
    event = make_event(capacity=10, **change)
    with pytest.raises(services.RegistrationError) as error:
        sign_up(event, "ans@example.org")
    assert error.value.code == code
    assert not Registration.objects.exists()


def test_party_size_above_event_maximum_is_refused(event):
    with pytest.raises(services.RegistrationError) as error:
        sign_up(event, "ans@example.org", party_size=event.max_party_size + 1)
    assert error.value.code == "party_size"


def test_larger_party_refused_when_no_room_and_nothing_changes(event):
    first = sign_up(event, "a@example.org", party_size=2).registration
    sign_up(event, "b@example.org", party_size=4)
    sign_up(event, "c@example.org", party_size=4)
    with pytest.raises(services.RegistrationError) as error:
        services.registration_update(registration=first, party_size=3, sessions=[])
    assert error.value.code == "no_room"
    first.refresh_from_db()
    assert first.party_size == 2


def test_session_capacity_counts_people(event, sessions):
    sign_up(event, "a@example.org", party_size=2, sessions=[sessions["small"]])
    with pytest.raises(services.RegistrationError) as error:
        sign_up(event, "b@example.org", sessions=[sessions["small"]])
    assert error.value.code == "session_full"
    other = sign_up(event, "b@example.org", sessions=[sessions["large"]]).registration
    assert list(other.sessions.all()) == [sessions["large"]]


def test_one_session_per_time_slot(event, sessions):
    with pytest.raises(services.RegistrationError) as error:
        sign_up(event, "a@example.org", sessions=[sessions["small"], sessions["large"]])
    assert error.value.code == "one_session_per_slot"


def test_plenary_or_other_events_session_cannot_be_chosen(event, sessions, make_event):
    with pytest.raises(services.RegistrationError):
        sign_up(event, "a@example.org", sessions=[sessions["plenary"]])
    other = make_event(capacity=5)
    with pytest.raises(services.RegistrationError) as error:
        sign_up(other, "a@example.org", sessions=[sessions["large"]])
    assert error.value.code == "invalid_session"
