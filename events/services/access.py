"""The access log: who looked at or exported attendees' personal data."""

from ..models import AccessLog, Event


def access_record(*, user, event: Event, action: str) -> None:
    AccessLog.objects.create(user=user, event=event, action=action)
