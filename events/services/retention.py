"""Erasing personal data: at the attendee's request, or when it is kept long enough."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Question, Registration, new_management_token, new_ticket_code
from .registrations import registration_cancel


def registrations_anonymise(*, registrations) -> int:
    """Erase names, addresses, free text and secrets; keep what the counts need.

    Status, party size, background, sessions and the chosen answers of questions that are
    not sensitive survive, so attendance figures stay true. Typed answers (text, numbers)
    and every answer to a sensitive question go.
    """
    count = 0
    now = timezone.now()
    for registration in registrations.filter(erased_at__isnull=True).only("pk"):
        registration.emails.all().delete()
        registration.answers.filter(
            Q(question__sensitive=True)
            | Q(question__kind__in=[Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT])
            | Q(question__kind=Question.Kind.NUMBER)
        ).delete()
        Registration.objects.filter(pk=registration.pk).update(
            name="",
            email=f"erased-{registration.pk}@invalid",
            phone="",
            organisation="",
            topic="",
            needs="",
            newsletter_opt_in=False,
            newsletter_opt_in_at=None,
            # Fresh secrets: the old link and ticket stop working.
            management_token=new_management_token(),
            ticket_code=new_ticket_code(),
            erased_at=now,
        )
        count += 1
    return count


def registration_erase(*, registration: Registration) -> None:
    """Cancel if needed, then erase the attendee's personal data at their request."""
    registration = registration_cancel(registration=registration)
    with transaction.atomic():
        registrations_anonymise(registrations=Registration.objects.filter(pk=registration.pk))
