"""Background work: email to submitters and contacts, sent after the transaction commits."""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .models import Initiative

logger = logging.getLogger(__name__)

KINDS = {"received", "accepted", "rejected", "merged", "verify"}
VERIFY_SALT = "initiatives.verify"
VERIFY_MAX_AGE = 60 * 24 * 60 * 60  # the link in the yearly email works for 60 days


def verification_token(initiative: Initiative) -> str:
    return signing.dumps(initiative.pk, salt=VERIFY_SALT, compress=True)


def verification_url(initiative: Initiative) -> str:
    path = reverse("initiatives:verify", kwargs={"token": verification_token(initiative)})
    return settings.SITE_URL + path


def build_message(kind: str, initiative: Initiative, to: str, note: str = "") -> EmailMessage:
    context = {
        "kind": kind,
        "initiative": initiative,
        "note": note,
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": settings.SITE_NAME,
        "verify_url": verification_url(initiative) if kind == "verify" else "",
        "target": initiative.merged_into,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("initiatives/email/subject.txt", context)
        body = render_to_string("initiatives/email/body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[to])


@task()
def initiative_email_send(kind: str, initiative_id: int, to: str, note: str = "") -> str:
    """Send one message about an initiative; a failure is logged, never shown to a visitor."""
    if kind not in KINDS:
        return "unknown_kind"
    initiative = (
        Initiative.objects.select_related("merged_into", "municipality")
        .filter(pk=initiative_id)
        .first()
    )
    if initiative is None:
        return "gone"
    try:
        build_message(kind, initiative, to, note).send()
    except Exception as exc:  # any transport error: log it, the decision itself stands
        logger.warning("Initiative email %s for %s failed: %s", kind, initiative_id, exc)
        return "failed"
    return "sent"
