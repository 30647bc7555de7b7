"""The bottleneck (knelpunten) reports an initiative or a coordinator sends in."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import Initiative
from .entries import InitiativeError


@transaction.atomic
def bottleneck_report_create(
    *,
    initiative: Initiative,
    bottlenecks: Iterable[tuple[str, str, str]],
    needs: Iterable[str] = (),
    successes: Iterable[str] = (),
    source: str,
    user=None,
    reported_on=None,
):
    """Add a dated report of knelpunten (category, severity, description), needs and successes.

    Reports are never edited: a new one is added, so the change over time stays visible.
    """
    from ..models import BottleneckReport, ReportItem

    if source not in BottleneckReport.Source.values:
        raise InitiativeError("unknown_source")
    items = []
    seen = set()
    for category, severity, description in bottlenecks:
        if category not in ReportItem.Category.values:
            raise InitiativeError("unknown_category")
        if severity not in ReportItem.Severity.values:
            raise InitiativeError("unknown_severity")
        if category in seen:
            raise InitiativeError("category_twice")
        seen.add(category)
        items.append(
            ReportItem(
                kind=ReportItem.Kind.BOTTLENECK,
                category=category,
                severity=severity,
                description=" ".join(description.split())[:300],
            )
        )
    for kind, texts in ((ReportItem.Kind.NEED, needs), (ReportItem.Kind.SUCCESS, successes)):
        for text in texts:
            text = " ".join(text.split())[:300]
            if text:
                items.append(ReportItem(kind=kind, description=text))
    if not items:
        raise InitiativeError("report_empty")
    report = BottleneckReport.objects.create(
        initiative=initiative,
        reported_on=reported_on or timezone.localdate(),
        source=source,
        user=user if user is not None and user.is_authenticated else None,
    )
    for item in items:
        item.report = report
    ReportItem.objects.bulk_create(items)
    return report
