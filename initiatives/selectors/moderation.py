"""What coordinators look after: the moderation queue and the yearly "still active?" check."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import CorrectionReport, Initiative
from .catalogue import initiatives_public

# A published entry nobody has confirmed for this long is shown to coordinators.
STALE_AFTER = timedelta(days=548)  # 18 months


@dataclass
class ModerationQueue:
    pending: list[Initiative]
    corrections: list[CorrectionReport]
    stale: list[Initiative]
    stale_count: int


def moderation_queue(*, stale_limit: int = 50) -> ModerationQueue:
    stale_before = timezone.localdate() - STALE_AFTER
    stale = initiatives_public().filter(
        Q(last_verified_on__lt=stale_before)
        | Q(last_verified_on__isnull=True, created_at__date__lt=stale_before)
    )
    return ModerationQueue(
        pending=list(
            Initiative.objects.filter(publication=Initiative.Publication.PENDING)
            .select_related("initiative_type", "municipality__province")
            .order_by("created_at")
        ),
        corrections=list(
            CorrectionReport.objects.filter(state=CorrectionReport.State.OPEN)
            .select_related("initiative")
            .order_by("created_at")
        ),
        stale=list(
            stale.select_related("municipality").order_by("last_verified_on", "name")[:stale_limit]
        ),
        stale_count=stale.count(),
    )


# Ask once a year; not again while a request from the last 11 months is open.
ASK_AFTER = timedelta(days=365)
ASK_AGAIN_AFTER = timedelta(days=335)


def initiatives_due_for_check(*, now: datetime) -> QuerySet[Initiative]:
    """Published entries with a contact to ask whether they are still active, oldest first."""
    today = timezone.localdate(now)
    return (
        initiatives_public()
        .exclude(contact_email="")
        .filter(is_synthetic=False)
        .filter(Q(last_verified_on__isnull=True) | Q(last_verified_on__lte=today - ASK_AFTER))
        .filter(
            Q(verification_requested_at__isnull=True)
            | Q(verification_requested_at__lte=now - ASK_AGAIN_AFTER)
        )
        .order_by("last_verified_on", "pk")
    )
