from events import services
from events.models import Registration


def sign_up(event, email, **kwargs):
    kwargs.setdefault("name", email.split("@")[0])
    return services.registration_create(event=event, email=email, **kwargs)


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
