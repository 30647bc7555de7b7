"""The outgoing email queue: attendee email recorded here, sent by the background worker."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Event, OrganiserMessage, OutgoingEmail, Registration


def email_queue(*, registration: Registration, kind: str, message=None) -> OutgoingEmail:
    """Record an email and have the background worker send it."""
    mail = OutgoingEmail.objects.create(registration=registration, kind=kind, message=message)
    _enqueue(mail)
    return mail


def _enqueue(mail: OutgoingEmail) -> None:
    from django_tasks_db import DatabaseBackend

    from ..tasks import outgoing_email_send

    if isinstance(outgoing_email_send.get_backend(), DatabaseBackend):
        # The queue is a table in this same database: enqueue inside the transaction, so
        # the registration and its email commit together (and in one write, not two).
        outgoing_email_send.enqueue(mail.pk)
    else:
        transaction.on_commit(lambda: outgoing_email_send.enqueue(mail.pk))


def message_send(*, event: Event, author, audience: str, subject: str, body: str):
    """Email the attendees (confirmed, waiting or both) in the background; returns the record."""
    statuses = {
        OrganiserMessage.Audience.CONFIRMED: [Registration.Status.CONFIRMED],
        OrganiserMessage.Audience.WAITLIST: [Registration.Status.WAITLIST],
        OrganiserMessage.Audience.BOTH: [
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLIST,
        ],
    }[audience]
    with transaction.atomic():
        message = OrganiserMessage.objects.create(
            event=event, author=author, audience=audience, subject=subject, body=body
        )
        recipients = Registration.objects.filter(event=event, status__in=statuses)
        for registration in recipients:
            email_queue(registration=registration, kind=OutgoingEmail.Kind.MESSAGE, message=message)
            message.recipients += 1
        message.save(update_fields=["recipients"])
        return message


def reminders_send_due(*, now=None) -> int:
    """Queue the reminder for every confirmed attendee whose meeting is near, exactly once.

    Each registration is claimed with a conditional UPDATE, so two runs at the same time
    still send one reminder per person.
    """
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__reminder_days__gt=0,
        event__starts_at__gt=now,
    ).select_related("event")
    count = 0
    for registration in due:
        event = registration.event
        if event.starts_at - timedelta(days=event.reminder_days) > now:
            continue
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                email_queue(registration=registration, kind=OutgoingEmail.Kind.REMINDER)
                count += 1
    return count
