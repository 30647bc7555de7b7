"""Places in the meeting and its sessions: the checks a sign-up and a change share."""

from collections.abc import Iterable

from django.db.models import Sum

from ..models import Event, ProgrammeItem, Registration
from .errors import RegistrationError


def _confirmed_in_session(item: ProgrammeItem) -> int:
    total = item.registrations.filter(status=Registration.Status.CONFIRMED).aggregate(
        total=Sum("party_size")
    )["total"]
    return total or 0


def check_sessions(*, event: Event, sessions: Iterable[ProgrammeItem]) -> list[ProgrammeItem]:
    """At most one choosable session per time slot, all of this event."""
    chosen = list(sessions)
    slots = set()
    for item in chosen:
        if item.event_id != event.pk or not item.is_choosable:
            raise RegistrationError("invalid_session")
        if item.start_time in slots:
            raise RegistrationError("one_session_per_slot")
        slots.add(item.start_time)
    return chosen


def sessions_fit(sessions: list[ProgrammeItem], party_size: int, exclude_pk=None) -> bool:
    for item in sessions:
        if item.capacity is None:
            continue
        taken = _confirmed_in_session(item)
        if exclude_pk is not None:
            own = item.registrations.filter(
                pk=exclude_pk, status=Registration.Status.CONFIRMED
            ).aggregate(total=Sum("party_size"))["total"]
            taken -= own or 0
        if taken + party_size > item.capacity:
            return False
    return True


def check_party_size(event: Event, party_size: int) -> None:
    if not 1 <= party_size <= event.max_party_size:
        raise RegistrationError("party_size")
