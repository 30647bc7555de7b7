"""Background work: invitation emails and the answer to a request to start."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from .models import Invitation, OrganisationRequest

logger = logging.getLogger(__name__)


def _render(template: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"organisations/email/{template}_subject.txt", context)
        body = render_to_string(f"organisations/email/{template}_body.txt", context)
    return " ".join(subject.split()), body


@task()
def invitation_email_send(invitation_id: int) -> str:
    """Email the invitation link. A failure is shown to the owners, who can send it again."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        return "skipped"
    subject, body = _render(
        "invitation",
        {"invitation": invitation, "organisation": invitation.organisation},
        invitation.language,
    )
    contact = invitation.organisation.contact_email
    try:
        EmailMessage(
            subject=subject,
            body=body,
            to=[invitation.email],
            reply_to=[contact] if contact else None,
        ).send()
    except Exception as exc:  # any transport error: the owners see it and can resend
        logger.warning("Invitation %s not sent: %s", invitation_id, exc)
        Invitation.objects.filter(pk=invitation.pk, token=invitation.token).update(
            send_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        return "failed"
    Invitation.objects.filter(pk=invitation.pk, token=invitation.token).update(
        sent_at=timezone.now(), send_error=""
    )
    return "sent"


@task()
def request_declined_email_send(request_id: int) -> str:
    request = OrganisationRequest.objects.filter(pk=request_id).first()
    if request is None:
        return "skipped"
    subject, body = _render("request_declined", {"request": request}, request.language)
    EmailMessage(subject=subject, body=body, to=[request.email]).send()
    return "sent"
