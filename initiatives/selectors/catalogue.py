"""The catalogue's search: filters, facet counts (cached), order and pagination.

The catalogue runs a fixed number of queries whatever its size: one for the page's ids
with the total, one for the page's rows, one per facet (grouped counts, cached) and one for
the activities on the page.
"""

import hashlib
import json
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When, Window
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .. import search
from ..models import Initiative

SORTS = {
    "relevantie": _("Best match"),
    "naam": _("Name"),
    "gecontroleerd": _("Recently checked"),
    "nieuw": _("Newest"),
}


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


def published_initiative_count() -> int:
    return Initiative.objects.filter(is_published=True).count()
