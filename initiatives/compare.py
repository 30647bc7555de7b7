"""Side-by-side comparison of initiatives and approaches, and overlap and gaps per area.

Seed 001 (Drenthe) asks to map "overeenkomsten, verschillen, raakvlakken en overlap"
between approaches, so initiatives and formal care complement rather than compete.
"""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import (
    Activity,
    Approach,
    BottleneckReport,
    Initiative,
    Municipality,
    Province,
    ReportItem,
    TargetGroup,
)
from .selectors import initiatives_public

MAX_COLUMNS = 4


@dataclass
class Cell:
    label: str
    key: str  # what is compared (the label without counts)
    shared: bool = False


@dataclass
class Row:
    label: str
    cells: list[list[Cell]]

    @property
    def all_same(self) -> bool:
        keys = [{cell.key for cell in cells} for cells in self.cells]
        return bool(keys) and all(k == keys[0] for k in keys) and bool(keys[0])


@dataclass
class Column:
    title: str
    url: str
    kind: str  # "initiative" or "approach"
    slug: str
    subtitle: str = ""


@dataclass
class Comparison:
    columns: list[Column]
    rows: list[Row]


def _latest_report(initiative: Initiative):
    reports = list(initiative.bottleneck_reports.all())
    return reports[0] if reports else None


def _bottleneck_cells(report) -> list[Cell]:
    if report is None:
        return []
    return [
        Cell(f"{item.get_category_display()} ({item.get_severity_display()})", item.category)
        for item in report.items.all()
        if item.kind == item.Kind.BOTTLENECK
    ]


def _initiative_columns(slugs: list[str]):
    queryset = (
        initiatives_public()
        .filter(slug__in=slugs)
        .select_related("initiative_type", "municipality__province")
        .prefetch_related(
            "approaches",
            "activities",
            "target_groups",
            "partner_kinds",
            Prefetch(
                "bottleneck_reports",
                queryset=BottleneckReport.objects.order_by("-reported_on", "-pk").prefetch_related(
                    "items"
                ),
            ),
        )
    )
    found = {initiative.slug: initiative for initiative in queryset}
    return [found[slug] for slug in slugs if slug in found]


def _terms(terms) -> list[Cell]:
    return [Cell(term.name, term.slug) for term in terms]


def _initiative_values(initiative: Initiative) -> dict[str, list[Cell]]:
    type_ = initiative.initiative_type
    area = []
    if initiative.municipality_id:
        area.append(Cell(initiative.municipality.name, initiative.municipality.slug))
        area.append(
            Cell(initiative.municipality.province.name, initiative.municipality.province.slug)
        )
    if initiative.area_served:
        area.append(Cell(initiative.area_served, initiative.area_served.casefold()))
    partners = _terms(initiative.partner_kinds.all())
    if initiative.partners:
        partners.append(Cell(initiative.partners, initiative.partners.casefold()))
    return {
        "type": [Cell(type_.name, type_.slug)] if type_ else [],
        "approaches": _terms(initiative.approaches.all()),
        "activities": _terms(initiative.activities.all()),
        "target_groups": _terms(initiative.target_groups.all()),
        "area": area,
        "legal_form": (
            [Cell(initiative.get_legal_form_display(), initiative.legal_form)]
            if initiative.legal_form
            else []
        ),
        "partners": partners,
        "bottlenecks": _bottleneck_cells(_latest_report(initiative)),
    }


def _counted(counter: Counter, names: dict[str, str], limit: int = 8) -> list[Cell]:
    return [
        Cell(f"{names.get(key, key)} ({count})", key)
        for key, count in counter.most_common(limit)
        if key
    ]


def _approach_values(approach: Approach) -> dict[str, list[Cell]]:
    """What the initiatives following an approach have in common, most frequent first."""
    initiatives = initiatives_public().filter(approaches=approach)

    def count(path: str, label_path: str) -> list[Cell]:
        rows = (
            initiatives.order_by()
            .filter(**{f"{path}__isnull": False})
            .values(path, label_path)
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", label_path)[:8]
        )
        return [Cell(f"{row[label_path]} ({row['n']})", str(row[path])) for row in rows]

    from .monitor import BIG, latest_report_ids

    big = Counter(
        ReportItem.objects.filter(
            report__in=latest_report_ids(initiatives),
            kind=ReportItem.Kind.BOTTLENECK,
            severity__in=BIG,
        ).values_list("category", flat=True)
    )
    categories = {value: str(label) for value, label in ReportItem.Category.choices}
    legal = Counter(initiatives.exclude(legal_form="").values_list("legal_form", flat=True))
    legal_names = dict(Initiative.LegalForm.choices)
    return {
        "type": count("initiative_type__slug", "initiative_type__name"),
        "approaches": [Cell(approach.name, approach.slug)],
        "activities": count("activities__slug", "activities__name"),
        "target_groups": count("target_groups__slug", "target_groups__name"),
        "area": count("municipality__province__slug", "municipality__province__name"),
        "legal_form": _counted(legal, {k: str(v) for k, v in legal_names.items()}),
        "partners": count("partner_kinds__slug", "partner_kinds__name"),
        "bottlenecks": _counted(big, categories),
    }


ROWS = [
    ("type", lambda: _("Type")),
    ("approaches", lambda: _("Approach")),
    ("activities", lambda: _("Activities")),
    ("target_groups", lambda: _("Target groups")),
    ("area", lambda: _("Area")),
    ("legal_form", lambda: _("Legal form")),
    ("partners", lambda: _("Partners")),
    ("bottlenecks", lambda: _("Knelpunten (latest report)")),
]


def comparison(*, initiative_slugs: list[str], approach_slugs: list[str]) -> Comparison:
    """2–4 columns side by side; a value every column has is marked as shared."""
    columns, values = [], []
    for initiative in _initiative_columns(initiative_slugs[:MAX_COLUMNS]):
        columns.append(
            Column(
                initiative.name,
                initiative.get_absolute_url(),
                "initiative",
                initiative.slug,
                initiative.location_line,
            )
        )
        values.append(_initiative_values(initiative))
    room = MAX_COLUMNS - len(columns)
    approaches = {a.slug: a for a in Approach.objects.filter(slug__in=approach_slugs[:room])}
    for slug in approach_slugs[:room]:
        if slug not in approaches:
            continue
        approach = approaches[slug]
        columns.append(
            Column(
                approach.name,
                reverse("initiatives:list") + "?" + urlencode({"aanpak": slug}),
                "approach",
                slug,
                _("approach: figures over its initiatives"),
            )
        )
        values.append(_approach_values(approach))
    rows = []
    for key, label in ROWS:
        cells = [column_values[key] for column_values in values]
        if len(cells) > 1:
            common = set.intersection(*({cell.key for cell in c} for c in cells))
            for column_cells in cells:
                for cell in column_cells:
                    cell.shared = cell.key in common
        rows.append(Row(label(), cells))
    return Comparison(columns=columns, rows=rows)


def compare_candidates(q: str, *, exclude: list[str], limit: int = 10) -> list[Initiative]:
    """Initiatives to add to the comparison, by the same search as the catalogue."""
    from . import search

    terms = search.query_terms(q)
    if not terms:
        return []
    return list(
        initiatives_public()
        .filter(search.match_condition(terms))
        .exclude(slug__in=exclude)
        .select_related("municipality__province", "initiative_type")
        .order_by("name")[:limit]
    )


@dataclass
class AreaLine:
    label: str
    count: int
    url: str


@dataclass
class ApproachLine:
    municipality: str
    approach: str
    count: int  # initiatives in the municipality that follow the approach
    url: str


@dataclass
class AreaOverview:
    area_name: str
    initiatives_count: int
    catalogue_url: str
    overlap: list[AreaLine]  # activities offered by two or more initiatives
    gaps: list[AreaLine]  # target groups no initiative names
    # per municipality (by name), its approaches, most followed first
    approaches: list[ApproachLine] = field(default_factory=list)


def area_overview(*, province: Province | None = None, municipality: Municipality | None = None):
    """Activities with several providers and target groups nobody reaches, in one area."""
    if municipality is not None:
        param, area, name = "gemeente", Q(municipality=municipality), municipality.name
        slug = municipality.slug
    elif province is not None:
        param, area, name = "provincie", Q(municipality__province=province), province.name
        slug = province.slug
    else:
        return None
    initiatives = initiatives_public().filter(area)
    base_url = reverse("initiatives:list") + "?"

    def url(**extra) -> str:
        return base_url + urlencode({param: slug, **extra})

    activity_counts = {
        row["activities"]: row["n"]
        for row in initiatives.order_by()
        .filter(activities__isnull=False)
        .values("activities")
        .annotate(n=Count("pk", distinct=True))
    }
    overlap = [
        AreaLine(activity.name, activity_counts[activity.pk], url(activiteit=activity.slug))
        for activity in Activity.objects.filter(pk__in=activity_counts)
        if activity_counts[activity.pk] >= 2
    ]
    overlap.sort(key=lambda line: (-line.count, line.label))
    reached = set(
        initiatives.order_by()
        .filter(target_groups__isnull=False)
        .values_list("target_groups", flat=True)
        .distinct()
    )
    gaps = [
        AreaLine(group.name, 0, url(doelgroep=group.slug))
        for group in TargetGroup.objects.exclude(pk__in=reached)
    ]
    return AreaOverview(
        area_name=name,
        initiatives_count=initiatives.count(),
        catalogue_url=url(),
        overlap=overlap,
        gaps=gaps,
        approaches=_approaches_per_municipality(initiatives, base_url),
    )


def _approaches_per_municipality(initiatives, base_url: str) -> list[ApproachLine]:
    """How many initiatives follow each approach, per municipality: one query."""
    rows = (
        initiatives.order_by()
        .filter(municipality__isnull=False, approaches__isnull=False)
        .values("municipality__name", "municipality__slug", "approaches__name", "approaches__slug")
        .annotate(n=Count("pk", distinct=True))
        .order_by("municipality__name", "-n", "approaches__name")
    )
    return [
        ApproachLine(
            row["municipality__name"],
            row["approaches__name"],
            row["n"],
            base_url
            + urlencode({"gemeente": row["municipality__slug"], "aanpak": row["approaches__slug"]}),
        )
        for row in rows
    ]
