"""Comparing initiatives and approaches side by side, and the overlap per area."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zorgzaam import charts
from zorgzaam.validators import has_control_characters

from .. import compare
from ..forms import AreaForm, catalogue_query
from ..models import Approach


def _distinct(values: list[str]) -> list[str]:
    seen = []
    for value in values:
        value = value.strip()[:200]
        if has_control_characters(value):
            continue
        if value and value not in seen:
            seen.append(value)
    return seen


@require_http_methods(["GET", "HEAD"])
def initiative_compare(request):
    slugs = _distinct(request.GET.getlist("i"))[: compare.MAX_COLUMNS]
    approach_slugs = _distinct(request.GET.getlist("aanpak"))[: compare.MAX_COLUMNS]
    result = compare.comparison(initiative_slugs=slugs, approach_slugs=approach_slugs)
    chosen = [column.slug for column in result.columns if column.kind == "initiative"]
    chosen_approaches = [column.slug for column in result.columns if column.kind == "approach"]
    q = catalogue_query(request.GET).q
    full = len(result.columns) >= compare.MAX_COLUMNS

    def url_with(initiatives, approaches) -> str:
        params = [("i", slug) for slug in initiatives] + [("aanpak", s) for s in approaches]
        return "?" + urlencode(params)

    for column in result.columns:
        if column.kind == "initiative":
            column.remove_url = url_with([s for s in chosen if s != column.slug], chosen_approaches)
        else:
            column.remove_url = url_with(chosen, [s for s in chosen_approaches if s != column.slug])
    candidates = [] if full else compare.compare_candidates(q, exclude=chosen)
    for candidate in candidates:
        candidate.add_url = url_with([*chosen, candidate.slug], chosen_approaches)
    approaches = [
        {"approach": approach, "add_url": url_with(chosen, [*chosen_approaches, approach.slug])}
        for approach in Approach.objects.exclude(slug__in=chosen_approaches)
    ]
    return render(
        request,
        "initiatives/initiative_compare.html",
        {
            "comparison": result,
            "chosen": chosen,
            "chosen_approaches": chosen_approaches,
            "q": q,
            "candidates": candidates,
            "approaches": [] if full else approaches,
            "full": full,
            "max_columns": compare.MAX_COLUMNS,
        },
    )


@require_http_methods(["GET", "HEAD"])
def area_overview(request):
    form = AreaForm(request.GET or None)
    overview = None
    if form.is_valid():
        overview = compare.area_overview(
            province=form.cleaned_data.get("provincie"),
            municipality=form.cleaned_data.get("gemeente"),
        )
    return render(
        request,
        "initiatives/area_overview.html",
        {
            "form": form,
            "overview": overview,
            "approach_chart": _approach_chart(overview.approaches) if overview else None,
        },
        status=400 if form.errors else 200,
    )


def _approach_chart(lines: list[compare.ApproachLine]) -> charts.Chart:
    """Bars per approach, grouped by municipality (no headings for a single one)."""
    several = len({line.municipality for line in lines}) > 1
    top = max(lines, key=lambda line: line.count, default=None)
    if top is None:
        description = _("No initiative in this area names an approach.")
    elif top.count < 2:
        description = _(
            "No approach is followed by more than one initiative in the same municipality."
        )
    else:
        description = _(
            "Most overlap: %(count)s initiatives follow %(approach)s in %(municipality)s."
        ) % {"count": top.count, "approach": top.approach, "municipality": top.municipality}
    return charts.bar_chart(
        id="chart-approaches",
        title=_("Initiatives per approach, per municipality"),
        description=description,
        rows=[
            charts.BarRow(line.approach, line.count, group=line.municipality if several else "")
            for line in lines
        ],
        label_width=170,
    )
