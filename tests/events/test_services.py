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


def test_cancel_promotes_first_waiting_party_that_fits(event):
    big = sign_up(event, "big@example.org", party_size=4).registration
    sign_up(event, "b@example.org", party_size=4)
    sign_up(event, "c@example.org", party_size=2)  # full now: 10
    waiting_three = sign_up(event, "three@example.org", party_size=3).registration
    waiting_four = sign_up(event, "four@example.org", party_size=4).registration
    waiting_one = sign_up(event, "one@example.org", party_size=1).registration

    services.registration_cancel(registration=big)  # frees 4 seats

    statuses = {
        r.email: r.status
        for r in Registration.objects.filter(
            pk__in=[waiting_three.pk, waiting_four.pk, waiting_one.pk]
        )
    }
    # First come first served while parties fit: three (3 seats), then one (1 seat);
    # the party of four no longer fits and keeps its place in line.
    assert statuses == {
        "three@example.org": "confirmed",
        "four@example.org": "waitlist",
        "one@example.org": "confirmed",
    }
    assert event.confirmed_people() == 10
    waiting_four.refresh_from_db()
    assert waiting_four.waitlist_position() == 1


def test_cancel_sends_cancel_and_promotion_emails(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = sign_up(event, "ans@example.org", party_size=4).registration
        sign_up(event, "bob@example.org", party_size=4)
        sign_up(event, "cor@example.org", party_size=2)
        waiting = sign_up(event, "dee@example.org", party_size=2).registration
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=confirmed)
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {"ans@example.org", "dee@example.org"}
    assert "geannuleerd" in by_address["ans@example.org"].subject
    promoted = by_address["dee@example.org"]
    assert "plek" in promoted.subject
    assert waiting.management_token in promoted.body
    assert {name for name, _content, _type in promoted.attachments} == {"ticket.png", "agenda.ics"}


def test_smaller_party_frees_seats_for_waiting_list(event):
    first = sign_up(event, "a@example.org", party_size=4).registration
    sign_up(event, "b@example.org", party_size=4)
    sign_up(event, "c@example.org", party_size=2)
    waiting = sign_up(event, "w@example.org", party_size=2).registration
    services.registration_update(registration=first, party_size=2, sessions=[])
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert event.confirmed_people() == 10


def test_larger_party_refused_when_no_room_and_nothing_changes(event):
    first = sign_up(event, "a@example.org", party_size=2).registration
    sign_up(event, "b@example.org", party_size=4)
    sign_up(event, "c@example.org", party_size=4)
    with pytest.raises(services.RegistrationError) as error:
        services.registration_update(registration=first, party_size=3, sessions=[])
    assert error.value.code == "no_room"
    first.refresh_from_db()
    assert first.party_size == 2


def test_higher_capacity_promotes_waiting_list(event):
    for n in range(10):
        sign_up(event, f"p{n}@example.org")
    waiting = sign_up(event, "w@example.org", party_size=2).registration
    assert waiting.status == Registration.Status.WAITLIST
    promoted = services.event_capacity_change(event=event, capacity=12)
    assert [r.pk for r in promoted] == [waiting.pk]


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


def test_promotion_drops_a_session_that_filled_up(event, sessions):
    for n in range(5):
        sign_up(event, f"p{n}@example.org", party_size=2)
    waiting = sign_up(event, "w@example.org", sessions=[sessions["small"]]).registration
    assert waiting.status == "waitlist"
    first = Registration.objects.get(email="p0@example.org")
    services.registration_update(registration=first, party_size=2, sessions=[sessions["small"]])
    services.registration_cancel(registration=Registration.objects.get(email="p1@example.org"))
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert list(waiting.sessions.all()) == []


def test_erase_removes_personal_data_but_keeps_the_count(event):
    registration = sign_up(
        event, "ans@example.org", phone="0612345678", topic="Vervoer", needs="Rolstoel"
    ).registration
    old_token = registration.management_token
    services.registration_erase(registration=registration)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert registration.name == registration.phone == registration.topic == registration.needs == ""
    assert "ans" not in registration.email
    assert registration.management_token != old_token
    assert Registration.objects.filter(event=event).count() == 1
