"""Background work: attendee email, sent after the transaction commits."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from .calendar import event_ics
from .models import OutgoingEmail, Registration
from .qr import qr_png

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Kinds that carry the ticket QR code and the calendar file.
WITH_TICKET = {
    OutgoingEmail.Kind.CONFIRMATION,
    OutgoingEmail.Kind.PROMOTED,
    OutgoingEmail.Kind.LINK_RESENT,
    OutgoingEmail.Kind.REMINDER,
}


def build_message(mail: OutgoingEmail) -> EmailMessage:
    registration: Registration = mail.registration
    event = registration.event
    context = {
        "mail": mail,
        "registration": registration,
        "event": event,
        "position": registration.waitlist_position(),
        "SITE_URL": settings.SITE_URL,
    }
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        subject = render_to_string("events/email/subject.txt", context).strip()
        body = render_to_string("events/email/body.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[registration.email],
        reply_to=[event.contact_email] if event.contact_email else None,
    )
    if mail.kind in WITH_TICKET and registration.status == Registration.Status.CONFIRMED:
        message.attach("ticket.png", qr_png(registration.ticket_code), "image/png")
        message.attach("agenda.ics", event_ics(event), "text/calendar")
    return message


@task()
def outgoing_email_send(email_id: int) -> str:
    """Send one recorded email; on failure keep it for a retry and show the error."""
    # Claim the email first, so two workers (or a retry racing a resend) send it once.
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status__in=[OutgoingEmail.Status.PENDING, OutgoingEmail.Status.FAILED]
    ).update(status=OutgoingEmail.Status.SENDING, claimed_at=timezone.now())
    if not claimed:
        return "skipped"
    mail = OutgoingEmail.objects.select_related("registration__event", "message").get(pk=email_id)
    try:
        build_message(mail).send()
    except Exception as exc:  # any transport error: keep the mail, retry later
        logger.warning("Email %s failed: %s", email_id, exc)
        mail.attempts += 1
        mail.status = OutgoingEmail.Status.FAILED
        mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
        mail.save(update_fields=["attempts", "status", "last_error"])
        _schedule_retry(mail)
        return "failed"
    mail.attempts += 1
    mail.status = OutgoingEmail.Status.SENT
    mail.sent_at = timezone.now()
    mail.last_error = ""
    mail.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return "sent"


def _schedule_retry(mail: OutgoingEmail) -> None:
    if mail.attempts >= MAX_ATTEMPTS or not outgoing_email_send.get_backend().supports_defer:
        # Without a deferring backend, `send_pending_email` (run by cron) retries.
        return
    delay = timedelta(minutes=2 ** min(mail.attempts, 6))
    transaction.on_commit(
        lambda: outgoing_email_send.using(run_after=timezone.now() + delay).enqueue(mail.pk)
    )


def pending_email_retry(*, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Try every unsent email again (for cron, or after the mail server is back)."""
    # An email left "sending" for long belongs to a worker that died mid-send.
    stale = timezone.now() - timedelta(minutes=15)
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING, claimed_at__lt=stale).update(
        status=OutgoingEmail.Status.FAILED, last_error="interrupted while sending"
    )
    ids = list(
        OutgoingEmail.objects.filter(
            status__in=[OutgoingEmail.Status.PENDING, OutgoingEmail.Status.FAILED],
            attempts__lt=max_attempts,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        outgoing_email_send.enqueue(pk)
    return len(ids)
