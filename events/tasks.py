"""Background work: attendee and follower email, sent after the transaction commits."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from .calendar import event_ics
from .models import Event, Follower, OutgoingEmail, Registration
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
    if mail.kind == OutgoingEmail.Kind.REPORT:
        from .services.report import opt_out_url

        context["report"] = event.report
        context["opt_out_url"] = opt_out_url(registration)
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        subject = render_to_string("events/email/subject.txt", context).strip()
        body = render_to_string("events/email/body.txt", context)
    headers = {}
    if mail.kind == OutgoingEmail.Kind.REPORT:
        # One click in the mail app stops reports from this organisation (RFC 8058).
        headers = {
            "List-Unsubscribe": f"<{context['opt_out_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[registration.email],
        reply_to=[event.contact_email] if event.contact_email else None,
        headers=headers,
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


# Followers -----------------------------------------------------------------------------

# Tries per follower email; the waits between them (2, 4, 8, 16 minutes) keep the news of
# a meeting within the hour.
FOLLOWER_MAX_ATTEMPTS = 5


def enqueue_in_transaction(task, *args, run_after=None) -> None:
    """Queue `task` so that it runs only if the current transaction commits.

    With the database backend the queue is a table in this same database, so the task is
    written inside the transaction and commits with it; any other backend gets it once the
    transaction has committed. `run_after` is honoured by a backend that can run a task
    later; one that cannot (the immediate backend of development and tests) runs it now.
    """
    from django_tasks_db import DatabaseBackend

    backend = task.get_backend()
    if run_after is not None and backend.supports_defer:
        task = task.using(run_after=run_after)
    if isinstance(backend, DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def _follower_retry(task, attempt: int, *args) -> bool:
    """Run a failed follower email again later; False when it will not be tried again."""
    if attempt >= FOLLOWER_MAX_ATTEMPTS or not task.get_backend().supports_defer:
        return False
    delay = timedelta(minutes=2**attempt)
    task.using(run_after=timezone.now() + delay).enqueue(*args, attempt + 1)
    return True


def _send_or_retry(message, task, attempt: int, pk: int, *, what: str, given_up) -> str:
    """Send; on any transport error run `task` again later, or call `given_up` when it
    will not be tried again."""
    try:
        message.send()
    except Exception as exc:  # any transport error
        logger.warning("%s %s not sent (try %s): %s", what, pk, attempt, exc)
        if not _follower_retry(task, attempt, pk):
            given_up()
        return "failed"
    return "sent"


def follower_message(
    follower: Follower, kind: str, context: dict, *, reply_to: str = ""
) -> EmailMessage:
    """A follower email (`kind` names its templates), in the follower's language.

    Every one carries the link that stops it, in the body and in the headers that let a
    mail app offer "unsubscribe" as one click (RFC 2369, RFC 8058).
    """
    context = {**context, "follower": follower}
    with translation.override(follower.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"events/email/follow_{kind}_subject.txt", context)
        body = render_to_string(f"events/email/follow_{kind}_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[follower.email],
        reply_to=[reply_to] if reply_to else None,
        headers={
            "List-Unsubscribe": f"<{follower.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


@task()
def follow_confirmation_send(follower_id: int, attempt: int = 1) -> str:
    """Email the link that confirms following: the only email before it is used."""
    follower = (
        Follower.objects.select_related("organisation", "series")
        .filter(pk=follower_id, confirmed_at__isnull=True)
        .first()
    )
    if follower is None:
        return "skipped"
    message = follower_message(
        follower,
        "confirm",
        {"days": Follower.CONFIRM_WITHIN.days},
        reply_to=follower.organisation.contact_email,
    )
    # Given up: asking again on the page sends the link at once.
    return _send_or_retry(
        message,
        follow_confirmation_send,
        attempt,
        follower_id,
        what="Follow confirmation",
        given_up=lambda: Follower.objects.filter(pk=follower_id).update(confirmation_sent_at=None),
    )


@task()
def followers_notify(event_id: int) -> str:
    """Tell the followers that a meeting is published: once, one email per address.

    The meeting is claimed with a conditional UPDATE, so this happens once however often
    it is queued, and not at all for a meeting cancelled before it runs.
    """
    from .services.following import follower_recipients

    now = timezone.now()
    with transaction.atomic():
        claimed = Event.objects.filter(
            pk=event_id, status=Event.Status.PUBLISHED, followers_notified_at__isnull=True
        ).update(followers_notified_at=now)
        if not claimed:
            return "skipped"
        event = Event.objects.get(pk=event_id)
        if event.ends_at <= now:
            return "past"  # published afterwards (a visit on record): no news to anyone
        for follower_ids in follower_recipients(event):
            enqueue_in_transaction(follower_news_send, event_id, follower_ids)
    return "queued"


@task()
def follower_news_send(event_id: int, follower_ids: list[int], attempt: int = 1) -> str:
    """Email one address about a new meeting; `follower_ids` are its follows, primary first."""
    event = (
        Event.objects.select_related("organisation", "series")
        .filter(pk=event_id, status=Event.Status.PUBLISHED)
        .first()
    )
    found = (
        Follower.objects.select_related("organisation", "series")
        .filter(confirmed_at__isnull=False)
        .in_bulk(follower_ids)
    )
    follows = [found[pk] for pk in follower_ids if pk in found]
    if event is None or not follows:
        return "skipped"  # cancelled meanwhile, or they stopped following
    message = follower_message(
        follows[0],
        "news",
        {"event": event, "follows": follows},
        reply_to=event.contact_email or event.organisation.contact_email,
    )
    try:
        message.send()
    except Exception as exc:  # any transport error: this address is tried again later
        logger.warning(
            "News of meeting %s to follower %s not sent (try %s): %s",
            event_id,
            follows[0].pk,
            attempt,
            exc,
        )
        if not _follower_retry(follower_news_send, attempt, event_id, follower_ids):
            logger.error(
                "News of meeting %s to follower %s not sent; given up", event_id, follows[0].pk
            )
        return "failed"
    return "sent"


# Agreements ----------------------------------------------------------------------------


@task()
def agreement_follow_up_send(agreement_id: int, attempt: int = 1) -> str:
    """Ask the organisers how an agreement past its date went: done, or moved?"""
    from .models import ReportAgreement
    from .services.report import agreement_recipients

    agreement = (
        ReportAgreement.objects.select_related("report__event", "initiative")
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None or agreement.state == ReportAgreement.State.DONE:
        return "skipped"
    event = agreement.report.event
    recipients = agreement_recipients(event)
    if not recipients:
        return "skipped"
    context = {
        "agreement": agreement,
        "event": event,
        "manage_url": settings.SITE_URL
        + reverse("events:report_manage", kwargs={"slug": event.slug}),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("events/email/agreement_subject.txt", context)
        body = render_to_string("events/email/agreement_body.txt", context)
    message = EmailMessage(subject=" ".join(subject.split()), body=body, bcc=recipients)
    # Given up for now: the next hourly run claims it again.
    return _send_or_retry(
        message,
        agreement_follow_up_send,
        attempt,
        agreement_id,
        what="Agreement follow-up",
        given_up=lambda: ReportAgreement.objects.filter(pk=agreement_id).update(
            follow_up_sent_at=None
        ),
    )
