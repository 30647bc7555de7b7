"""Reads shared by the catalogue, the map, detail pages and moderation."""

from .catalogue import (
    FACET_PARAMS,
    SORTS,
    TERM_PREFETCH,
    VERSION_KEY,
    CataloguePaginator,
    CatalogueQuery,
    catalogue,
    catalogue_changed,
    catalogue_results,
    catalogue_version,
    initiatives_public,
    published_initiative_count,
)
from .detail import duplicate_exists, initiative_public, initiatives_similar, likely_duplicates
from .maps import MAP_POINT_LIMIT, map_located_count, map_points
from .moderation import initiatives_due_for_check, moderation_queue

__all__ = [
    "FACET_PARAMS",
    "MAP_POINT_LIMIT",
    "SORTS",
    "TERM_PREFETCH",
    "VERSION_KEY",
    "CatalogueQuery",
    "CataloguePaginator",
    "catalogue",
    "catalogue_changed",
    "catalogue_results",
    "catalogue_version",
    "duplicate_exists",
    "initiative_public",
    "initiatives_due_for_check",
    "initiatives_public",
    "initiatives_similar",
    "likely_duplicates",
    "map_located_count",
    "map_points",
    "moderation_queue",
    "published_initiative_count",
]
