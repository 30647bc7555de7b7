"""The knelpunten monitor: which share of initiatives reports a big or very big knelpunt.

Each initiative counts once, with its latest report. Groups of fewer than MIN_GROUP
initiatives are never broken down, so no single initiative can be recognised in a figure.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import BottleneckReport, Initiative, ReportItem
from .selectors.catalogue import CatalogueQuery, _filtered, initiatives_public

MIN_GROUP = 5
# Actieprogramma Zorgzame Gemeenschappen (NL Zorgt voor Elkaar, 2018), seed 002: 50–60% of
# resident initiatives face at least one big or very big knelpunt.
NATIONAL_2018 = (50, 60)
MONITOR_FILTERS = ("provincie", "gemeente", "type")
BIG = [ReportItem.Severity.BIG, ReportItem.Severity.VERY_BIG]


@dataclass
class Share:
    key: str
    label: str
    base: int  # initiatives with a report in this group
    count: int | None  # of which with at least one big or very big knelpunt
    suppressed: bool = False

    @property
    def percent(self) -> float | None:
        if self.suppressed or not self.base or self.count is None:
            return None
        return round(100 * self.count / self.base, 1)

    @property
    def meter_value(self) -> int:
        return round(self.percent or 0)


@dataclass
class Monitor:
    overall: Share
    categories: list[Share]
    by_province: list[Share]
    by_type: list[Share]
    initiatives_count: int  # published initiatives matching the filters, with or without report
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def suppressed(self) -> bool:
        return self.overall.suppressed

    @property
    def national_low(self) -> int:
        return NATIONAL_2018[0]

    @property
    def national_high(self) -> int:
        return NATIONAL_2018[1]

    @property
    def comparison(self) -> str:
        """Below, within or above the national 2018 range ('' when suppressed)."""
        percent = self.overall.percent
        if percent is None:
            return ""
        if percent < NATIONAL_2018[0]:
            return "below"
        if percent > NATIONAL_2018[1]:
            return "above"
        return "within"


def latest_report_ids(initiatives: QuerySet[Initiative]) -> QuerySet:
    """The pk of each initiative's latest report (initiatives without one are left out)."""
    latest = (
        BottleneckReport.objects.filter(initiative=OuterRef("pk"))
        .order_by("-reported_on", "-pk")
        .values("pk")[:1]
    )
    return (
        initiatives.order_by()
        .annotate(latest_report=Subquery(latest))
        .filter(latest_report__isnull=False)
        .values("latest_report")
    )


def _suppress(shares: list[Share]) -> list[Share]:
    """Hide small groups; when only one is hidden, hide the next smallest too.

    Otherwise the hidden figure could be worked out from the total minus the others.
    """
    for share in shares:
        if share.base < MIN_GROUP:
            share.suppressed, share.count = True, None
    hidden = [share for share in shares if share.suppressed]
    shown = sorted((share for share in shares if not share.suppressed), key=lambda s: s.base)
    if len(hidden) == 1 and shown:
        shown[0].suppressed, shown[0].count = True, None
    return shares


def _breakdown(initiatives, report_ids, path: str, labels: dict[str, str]) -> list[Share]:
    bases = {
        row[path]: row["n"]
        for row in initiatives.order_by()
        .filter(pk__in=BottleneckReport.objects.filter(pk__in=report_ids).values("initiative"))
        .values(path)
        .annotate(n=Count("pk"))
    }
    counts = {
        row[f"report__initiative__{path}"]: row["n"]
        for row in ReportItem.objects.filter(
            report__in=report_ids, kind=ReportItem.Kind.BOTTLENECK, severity__in=BIG
        )
        .order_by()
        .values(f"report__initiative__{path}")
        .annotate(n=Count("report", distinct=True))
    }
    shares = [
        Share(key or "", labels.get(key) or _("Unknown"), base, counts.get(key, 0))
        for key, base in bases.items()
    ]
    shares.sort(key=lambda share: share.label.casefold())
    return _suppress(shares)


def bottleneck_monitor(*, filters: dict[str, list[str]]) -> Monitor:
    filters = {key: value for key, value in filters.items() if key in MONITOR_FILTERS}
    initiatives = _filtered(initiatives_public(), CatalogueQuery(filters=filters))
    report_ids = latest_report_ids(initiatives)
    base = report_ids.count()
    big = ReportItem.objects.filter(
        report__in=report_ids, kind=ReportItem.Kind.BOTTLENECK, severity__in=BIG
    ).order_by()
    overall = Share("", _("All initiatives"), base, big.values("report").distinct().count())
    per_category = {
        row["category"]: row["n"]
        for row in big.values("category").annotate(n=Count("report", distinct=True))
    }
    categories = [
        Share(value, str(label), base, per_category.get(value, 0))
        for value, label in ReportItem.Category.choices
    ]
    if base < MIN_GROUP:
        for share in [overall, *categories]:
            share.suppressed, share.count = True, None
        by_province, by_type = [], []
    else:
        from .models import InitiativeType, Province

        by_province = _breakdown(
            initiatives,
            report_ids,
            "municipality__province__slug",
            dict(Province.objects.values_list("slug", "name")),
        )
        by_type = _breakdown(
            initiatives,
            report_ids,
            "initiative_type__slug",
            dict(InitiativeType.objects.values_list("slug", "name")),
        )
    return Monitor(
        overall=overall,
        categories=categories,
        by_province=by_province,
        by_type=by_type,
        initiatives_count=initiatives.count(),
        filters=filters,
    )


CSV_HEADER = [
    gettext_lazy("group"),
    gettext_lazy("value"),
    gettext_lazy("initiatives with a report"),
    gettext_lazy("with a big or very big knelpunt"),
    gettext_lazy("percentage"),
]


def monitor_csv(monitor: Monitor) -> str:
    """The figures as CSV; suppressed figures say so instead of a number."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(column) for column in CSV_HEADER])
    too_few = _("too little data")
    groups = [
        (_("total"), [monitor.overall]),
        (_("category"), monitor.categories),
        (_("province"), monitor.by_province),
        (_("type"), monitor.by_type),
    ]
    for group, shares in groups:
        for share in shares:
            if share.suppressed:
                writer.writerow([group, share.label, share.base, too_few, too_few])
            else:
                writer.writerow([group, share.label, share.base, share.count, share.percent])
    low, high = NATIONAL_2018
    writer.writerow(
        [_("national 2018"), _("Actieprogramma Zorgzame Gemeenschappen"), "", "", f"{low}-{high}"]
    )
    return out.getvalue()
