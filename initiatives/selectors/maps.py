"""The map's markers for the catalogue's results."""

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.urls import reverse

from .catalogue import _cached_rows

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
