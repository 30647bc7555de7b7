"""Reads shared by the catalogue, the map, detail pages and moderation.

The catalogue runs a fixed number of queries whatever its size: one for the page's ids
with the total, one for the page's rows, one per facet (grouped counts, cached) and one for
the activities on the page.
"""

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import search
from .models import CorrectionReport, Initiative

SORTS = {
    "relevantie": _("Best match"),
    "naam": _("Name"),
    "gecontroleerd": _("Recently checked"),
    "nieuw": _("Newest"),
}
# A published entry nobody has confirmed for this long is shown to coordinators.
STALE_AFTER = timedelta(days=548)  # 18 months


@dataclass(frozen=True)
class FacetSpec:
    param: str  # the query parameter in the URL
    label: str
    path: str  # lookup path from Initiative to the value's slug (or the value itself)
    many: bool = False  # a many-to-many relation
    choices: type | None = None  # TextChoices when the facet is a plain field


FACETS = [
    FacetSpec("type", _("Type"), "initiative_type"),
    FacetSpec("provincie", _("Province"), "municipality__province"),
    FacetSpec("gemeente", _("Municipality"), "municipality"),
    FacetSpec("activiteit", _("Activities"), "activities", many=True),
    FacetSpec("doelgroep", _("Target group"), "target_groups", many=True),
    FacetSpec("aanpak", _("Approach"), "approaches", many=True),
    FacetSpec("status", _("Status"), "status", choices=Initiative.Status),
]
FACET_PARAMS = [facet.param for facet in FACETS]


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    spec: FacetSpec
    options: list[FacetOption]

    @property
    def param(self) -> str:
        return self.spec.param

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def selected_count(self) -> int:
        return sum(1 for option in self.options if option.selected)


@dataclass
class CatalogueQuery:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = ""

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS and (self.sort != "relevantie" or self.q):
            return self.sort
        return "relevantie" if self.q else "naam"


@dataclass
class Catalogue:
    results: QuerySet
    facets: list[Facet]
    query: CatalogueQuery


def initiatives_public() -> QuerySet[Initiative]:
    """Published initiatives only: never pending, rejected, archived or merged entries."""
    return Initiative.objects.filter(publication=Initiative.Publication.PUBLISHED)


def _facet_condition(spec: FacetSpec, values: list[str]) -> Q:
    if spec.choices is not None:
        return Q(**{f"{spec.path}__in": values})
    if spec.many:
        # A subquery, so an initiative with two chosen activities is counted once.
        through = Initiative.objects.filter(**{f"{spec.path}__slug__in": values}).values("pk")
        return Q(pk__in=through)
    return Q(**{f"{spec.path}__slug__in": values})


def _matching(query: CatalogueQuery) -> QuerySet[Initiative]:
    queryset = initiatives_public()
    terms = search.query_terms(query.q)
    if terms:
        queryset = queryset.filter(search.match_condition(terms))
    return queryset


def _filtered(base: QuerySet, query: CatalogueQuery, *, skip: str = "") -> QuerySet:
    for spec in FACETS:
        values = query.filters.get(spec.param)
        if values and spec.param != skip:
            base = base.filter(_facet_condition(spec, values))
    return base


def _facet_options(spec: FacetSpec, base: QuerySet, selected: list[str]) -> list[FacetOption]:
    """Each value with the number of results choosing it would give (OR within a facet)."""
    if spec.choices is not None:
        rows = base.order_by().values(spec.path).annotate(n=Count("pk"))
        counts = {row[spec.path]: row["n"] for row in rows}
        return [
            FacetOption(value, str(label), counts.get(value, 0), value in selected)
            for value, label in spec.choices.choices
            if counts.get(value) or value in selected
        ]
    slug, name = f"{spec.path}__slug", f"{spec.path}__name"
    rows = (
        base.order_by()
        .filter(**{f"{spec.path}__isnull": False})
        .values(slug, name)
        .annotate(n=Count("pk", distinct=spec.many))
    )
    options = [FacetOption(row[slug], row[name], row["n"], row[slug] in selected) for row in rows]
    seen = {option.value for option in options}
    # Keep a chosen value visible (with 0) even when other filters leave nothing for it.
    missing = [value for value in selected if value not in seen]
    if missing:
        model = Initiative._meta.get_field(spec.path.split("__")[0]).related_model
        if spec.path == "municipality__province":
            model = model._meta.get_field("province").related_model
        for term in model.objects.filter(slug__in=missing):
            options.append(FacetOption(term.slug, term.name, 0, True))
    if spec.param == "gemeente":
        options.sort(key=lambda option: (not option.selected, -option.count, option.label))
    else:
        options.sort(key=lambda option: option.label.casefold())
    return options


# Facet counts cost one GROUP BY per facet over the matching initiatives, and a page's ids
# one pass over them; they are kept in the cache (Redis in production) under a catalogue
# version that every change bumps, and for at most a few minutes.
FACET_CACHE_SECONDS = 300
VERSION_KEY = "initiatives:catalogue-version"


def _fresh_version() -> int:
    # Never a number used before: if the cache loses the key (evicted, restarted), entries
    # stored under an older version must not come back.
    return time.time_ns()


def catalogue_version() -> int:
    return cache.get_or_set(VERSION_KEY, _fresh_version, None)


def catalogue_changed(**kwargs) -> None:
    """Invalidate cached facet counts: call (or connect as a signal) after any change."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _fresh_version(), None)


def _cached_rows(kind: str, queryset: QuerySet) -> list:
    """The rows of a values_list() query, cached under the catalogue version and its SQL."""
    sql, params = queryset.query.sql_with_params()
    state = [catalogue_version(), sql, params]
    key = (
        f"initiatives:{kind}:" + hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()
    )
    rows = cache.get(key)
    if rows is None:
        rows = list(queryset)
        cache.set(key, rows, FACET_CACHE_SECONDS)
    return rows


def _facets(query: CatalogueQuery, matching: QuerySet) -> list[Facet]:
    state = [
        catalogue_version(),
        get_language(),
        query.q,
        sorted((key, sorted(values)) for key, values in query.filters.items()),
    ]
    key = "initiatives:facets:" + hashlib.sha256(json.dumps(state).encode()).hexdigest()
    options = cache.get(key)
    if options is None:
        options = [
            _facet_options(
                spec,
                _filtered(matching, query, skip=spec.param),
                query.filters.get(spec.param, []),
            )
            for spec in FACETS
        ]
        cache.set(key, options, FACET_CACHE_SECONDS)
    return [Facet(spec, spec_options) for spec, spec_options in zip(FACETS, options, strict=True)]


def catalogue(query: CatalogueQuery) -> Catalogue:
    """The catalogue page: results in order, and facet counts for combined filters."""
    matching = _matching(query)
    facets = _facets(query, matching)
    results = _filtered(matching, query).select_related("initiative_type", "municipality__province")
    return Catalogue(results=_ordered(results, query), facets=facets, query=query)


TERM_PREFETCH = ("approaches", "activities", "target_groups", "themes", "partner_kinds")


def catalogue_results(query: CatalogueQuery) -> QuerySet[Initiative]:
    """The catalogue's results without facets, in order, with every term prefetched.

    The API and the exports use this, so their filters match the catalogue page exactly.
    """
    results = _filtered(_matching(query), query).select_related(
        "initiative_type", "municipality__province"
    )
    return _ordered(results, query).prefetch_related(*TERM_PREFETCH)


def _ordered(results: QuerySet, query: CatalogueQuery) -> QuerySet:
    sort = query.effective_sort
    if sort == "gecontroleerd":
        return results.order_by("-last_verified_on", "name", "pk")
    if sort == "nieuw":
        return results.order_by("-created_at", "-pk")
    terms = search.query_terms(query.q)
    if sort == "relevantie" and terms:
        in_name = Q()
        for term in terms:
            in_name &= Q(search_name__contains=term)
        return results.annotate(
            name_match=Case(
                When(in_name, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        ).order_by("-name_match", "name", "pk")
    return results.order_by("name", "pk")


class CataloguePaginator(Paginator):
    """Pages through ids: one query for a page's ids with the total, one for its rows.

    The search match and the facet conditions are the expensive part of a catalogue query
    (`zorg` matches nearly every name), so they run once per page, in a narrow query that
    sorts ids only and counts with COUNT(*) OVER (), instead of once for a COUNT and again
    for a page of wide rows. The ids and totals are cached like the facet counts, under the
    catalogue version. `totals` adds window counts (the map's located results).
    """

    def __init__(self, results: QuerySet, per_page: int, *, prefetch=(), totals=None):
        super().__init__(results, per_page)
        self.prefetch = prefetch
        self.totals = {}
        self._windows = {"total": Count("pk"), **(totals or {})}

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        names = [f"catalogue_{name}" for name in self._windows]
        windows = {
            f"catalogue_{name}": Window(expression) for name, expression in self._windows.items()
        }
        rows = _cached_rows(
            "page",
            self.object_list.prefetch_related(None)
            .annotate(**windows)
            .values_list("pk", *names)[bottom : bottom + self.per_page],
        )
        if not rows:
            self.totals = dict.fromkeys(self._windows, 0)
            if number == 1:
                self.count = 0
                return self._get_page([], 1, self)
            # Past the last page: count the usual way, and let Paginator raise EmptyPage.
            return super().page(number)
        self.totals = dict(zip(self._windows, rows[0][1:], strict=True))
        self.count = self.totals["total"]  # Paginator.count is a cached_property
        by_pk = (
            Initiative.objects.select_related("initiative_type", "municipality__province")
            .prefetch_related(*self.prefetch)
            .order_by()  # the order is the ids'
            .in_bulk([row[0] for row in rows])
        )
        # An entry unpublished since the ids were read is left out (the version moved on).
        objects = [by_pk[row[0]] for row in rows if row[0] in by_pk]
        return self._get_page(objects, number, self)


def initiative_public(slug: str) -> Initiative:
    """One published initiative with its terms; raises Initiative.DoesNotExist."""
    return (
        initiatives_public()
        .select_related("initiative_type", "municipality__province")
        .prefetch_related("approaches", "activities", "target_groups", "themes", "partner_kinds")
        .get(slug=slug)
    )


def initiatives_similar(initiative: Initiative, *, limit: int = 4) -> list[Initiative]:
    """Same type, shared activities or approaches, nearby first: to learn from each other."""
    activity_ids = [term.pk for term in initiative.activities.all()]
    approach_ids = [term.pk for term in initiative.approaches.all()]
    province_id = initiative.municipality.province_id if initiative.municipality_id else None
    shared = Q(initiative_type_id=initiative.initiative_type_id)
    if activity_ids:
        shared |= Q(activities__in=activity_ids)
    if approach_ids:
        shared |= Q(approaches__in=approach_ids)
    score = (
        Case(
            When(initiative_type_id=initiative.initiative_type_id, then=Value(3)),
            default=Value(0),
            output_field=IntegerField(),
        )
        + Count("activities", filter=Q(activities__in=activity_ids), distinct=True)
        + Count("approaches", filter=Q(approaches__in=approach_ids), distinct=True) * 2
        + Case(
            When(municipality__province_id=province_id, then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        )
        + Case(
            When(municipality_id=initiative.municipality_id, then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    candidates = (
        initiatives_public()
        .exclude(pk=initiative.pk)
        .filter(pk__in=initiatives_public().filter(shared).values("pk"))
        .select_related("initiative_type", "municipality__province")
        .annotate(score=score)
        .order_by("-score", "name")
    )
    return list(candidates[:limit])


def likely_duplicates(initiative: Initiative, *, limit: int = 5) -> list[Initiative]:
    """Live entries whose name resembles this one, in the same municipality first."""
    words = [word for word in search.query_terms(initiative.name) if len(word) >= 4]
    if not words:
        return []
    similar_name = Q()
    for word in words:
        similar_name |= Q(search_name__contains=word)
    same_place = (
        Q(municipality_id=initiative.municipality_id) if initiative.municipality_id else Q()
    )
    queryset = (
        Initiative.objects.filter(
            publication__in=[Initiative.Publication.PUBLISHED, Initiative.Publication.PENDING]
        )
        .exclude(pk=initiative.pk)
        .filter(similar_name)
        .filter(same_place | Q(search_name=initiative.search_name))
        .select_related("initiative_type", "municipality__province")
        .order_by("name")
    )
    return list(queryset[:limit])


def duplicate_exists(*, name: str, municipality) -> Initiative | None:
    """A live entry with a very similar name in this municipality (for the submission form)."""
    wanted = search.normalise(name)
    if not wanted:
        return None
    candidates = Initiative.objects.filter(
        municipality=municipality,
        publication__in=[Initiative.Publication.PUBLISHED, Initiative.Publication.PENDING],
    ).filter(Q(search_name=wanted) | Q(search_name__contains=wanted))
    found = candidates.first()
    if found:
        return found
    # Also when the existing name is contained in the new one ("Zorgcoöperatie X" vs "X").
    for candidate in Initiative.objects.filter(
        municipality=municipality,
        publication__in=[Initiative.Publication.PUBLISHED, Initiative.Publication.PENDING],
    ).only("pk", "name", "slug", "search_name", "publication")[:500]:
        if len(candidate.search_name) >= 4 and candidate.search_name in wanted:
            return candidate
    return None


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


MAP_POINT_LIMIT = 5000
MAP_POINT_FIELDS = ["lat", "lng", "name", "url", "type", "place"]
HAS_LOCATION = Q(latitude__isnull=False, longitude__isnull=False)


def map_located_count() -> Count:
    """A window count of the results that have a place on the map (see CataloguePaginator)."""
    return Count(Case(When(HAS_LOCATION, then=Value(1))))


def map_points(results: QuerySet, *, limit: int = MAP_POINT_LIMIT) -> dict:
    """Marker data for the map as compact arrays: care circles at postcode-area precision.

    One row per marker in MAP_POINT_FIELDS order; thousands of points as arrays are less
    than half the JSON of objects with keys, and cost no model instances to build.
    """
    rows = _cached_rows(
        "map",
        results.filter(HAS_LOCATION)
        .prefetch_related(None)
        .values_list(
            "name",
            "slug",
            "latitude",
            "longitude",
            "place",
            "initiative_type__slug",
            "initiative_type__name",
            "municipality__name",
        )[:limit],
    )
    # Every detail URL is the catalogue's prefix and the slug: reverse once, not per point.
    prefix = reverse("initiatives:detail", kwargs={"slug": "x"})[: -len("x/")]
    points = []
    for name, slug, latitude, longitude, place, type_slug, type_name, municipality in rows:
        # Two decimals is about a kilometre: enough to find the area, not the house.
        precision = 2 if type_slug == "voorzorgcirkel" else 4
        points.append(
            [
                round(float(latitude), precision),
                round(float(longitude), precision),
                name,
                f"{prefix}{slug}/",
                type_name or "",
                place or municipality or "",
            ]
        )
    return {"fields": MAP_POINT_FIELDS, "points": points}


def published_initiative_count() -> int:
    return Initiative.objects.filter(is_published=True).count()
