"""Reads shared by the public pages."""

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from .models import Event, Registration


def events_public() -> QuerySet[Event]:
    """Published and cancelled events (never drafts), with confirmed people counted."""
    return (
        Event.objects.exclude(status=Event.Status.DRAFT)
        .annotate(
            confirmed=Sum(
                "registrations__party_size",
                filter=Q(registrations__status=Registration.Status.CONFIRMED),
                default=0,
            )
        )
        .order_by("starts_at")
    )


def events_upcoming() -> QuerySet[Event]:
    return events_public().filter(ends_at__gte=timezone.now())


def events_past() -> QuerySet[Event]:
    return events_public().filter(ends_at__lt=timezone.now()).order_by("-starts_at")


def event_public(slug: str) -> Event:
    """One public event with its programme and hosts; raises Event.DoesNotExist."""
    return events_public().prefetch_related("programme", "hosts").get(slug=slug)
