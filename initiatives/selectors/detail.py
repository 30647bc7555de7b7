"""One published entry, the entries like it, and possible duplicates of a new one."""

from django.db.models import Case, Count, IntegerField, Q, Value, When

from .. import search
from ..models import Initiative
from .catalogue import initiatives_public


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
