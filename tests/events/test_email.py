"""Attendee email survives a mail server that is down, and goes out exactly once."""

import pytest
from django.core import mail
from django.core.management import call_command

from events import services
from events.models import OutgoingEmail, Registration


class BrokenBackend:
    """A mail backend whose server refuses every connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"


def test_sign_up_succeeds_while_mail_server_is_down_and_mail_follows(
    settings, event, mail_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup = services.registration_create(event=event, name="Ans", email="ans@example.org")
    assert Registration.objects.get().status == "confirmed"
    queued = OutgoingEmail.objects.get(registration=signup.registration)
    assert queued.status == OutgoingEmail.Status.FAILED
    assert "mail server down" in queued.last_error
    assert queued.attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    call_command("send_pending_email", verbosity=0)
    call_command("send_pending_email", verbosity=0)  # a second run sends nothing twice
    assert [m.to for m in mail.outbox] == [["ans@example.org"]]
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT
    assert queued.attempts == 2


def test_confirmation_email_has_ticket_link_qr_and_calendar(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup = services.registration_create(
            event=event, name="Ans", email="ans@example.org", party_size=2
        )
    (message,) = mailoutbox
    assert message.subject == f"Je bent aangemeld voor {event.title}"
    assert signup.registration.absolute_url in message.body
    assert signup.registration.ticket_code not in message.body
    names = {name for name, _content, _mimetype in message.attachments}
    assert names == {"ticket.png", "agenda.ics"}


def test_waiting_list_email_tells_the_position(
    make_event, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event=event, name="A", email="a@example.org")
        services.registration_create(event=event, name="B", email="b@example.org")
    waiting = mailoutbox[-1]
    assert "wachtlijst" in waiting.subject
    assert "nummer 1" in waiting.body
    assert not waiting.attachments
