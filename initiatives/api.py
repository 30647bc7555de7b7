"""The read-only open-data API: published initiatives as JSON and as HSDS 3.0.

Filters are the catalogue's (q and the facet parameters), through the same selector, so a
URL copied from the catalogue gives the same initiatives. Every page runs a fixed number of
queries whatever its size: one for the page's ids with the total, one for their rows, one
per prefetched taxonomy.

Each query parameter is checked against the schema /api/openapi.json declares for it (both
read FILTER_PARAMETERS), so a value the document forbids is a 400, never quietly cut or
ignored. Every answer is JSON, errors included (zorgzaam/api.py, zorgzaam/errors.py).
"""

from django.conf import settings

from zorgzaam.api import (
    DEFAULT_PAGE_SIZE,
    PAGE_PARAMETERS,
    SLUG_PATTERN,
    api_view,
    error_response,
    json_response,
    paged_json,
    query_params,
)

from . import hsds, selectors
from .forms import MAX_FILTER_VALUES, catalogue_query
from .models import Initiative


def _terms(terms) -> list[dict]:
    return [{"slug": term.slug, "name": term.name} for term in terms]


def initiative_record(initiative: Initiative) -> dict:
    """The public fields of one initiative; contact details only with consent."""
    municipality = initiative.municipality
    care_circle = initiative.is_care_circle
    record = {
        "slug": initiative.slug,
        "name": initiative.name,
        "url": settings.SITE_URL + initiative.get_absolute_url(),
        "type": (
            {"slug": initiative.initiative_type.slug, "name": initiative.initiative_type.name}
            if initiative.initiative_type_id
            else None
        ),
        "summary": initiative.summary,
        "description": initiative.description,
        "status": initiative.status,
        "legal_form": initiative.legal_form,
        "founded_year": initiative.founded_year,
        "volunteers_count": initiative.volunteers_count,
        "members_count": initiative.members_count,
        "membership_fee": initiative.membership_fee,
        "municipality": (
            {"code": municipality.code, "name": municipality.name, "slug": municipality.slug}
            if municipality
            else None
        ),
        "province": (
            {"code": municipality.province.code, "name": municipality.province.name}
            if municipality
            else None
        ),
        "place": initiative.place,
        "neighbourhood": "" if care_circle else initiative.neighbourhood,
        "postcode_area": initiative.postcode_area,
        "address": initiative.public_address,
        "latitude": None,
        "longitude": None,
        "area_served": initiative.area_served,
        "approaches": _terms(initiative.approaches.all()),
        "activities": _terms(initiative.activities.all()),
        "target_groups": _terms(initiative.target_groups.all()),
        "themes": _terms(initiative.themes.all()),
        "partner_kinds": _terms(initiative.partner_kinds.all()),
        "partners": initiative.partners,
        "networks": initiative.networks,
        "website": initiative.website,
        "contact": None,
        "last_verified_on": (
            initiative.last_verified_on.isoformat() if initiative.last_verified_on else None
        ),
        "updated_at": initiative.updated_at.isoformat(),
        "synthetic": initiative.is_synthetic,
    }
    if initiative.latitude is not None and initiative.longitude is not None:
        precision = 2 if care_circle else 4
        record["latitude"] = round(float(initiative.latitude), precision)
        record["longitude"] = round(float(initiative.longitude), precision)
    if initiative.contact_consent:
        record["contact"] = {
            "name": initiative.contact_name,
            "email": initiative.contact_email,
            "phone": initiative.contact_phone,
        }
    return record


SLUG_MAX_LENGTH = Initiative._meta.get_field("slug").max_length
MAX_QUERY_LENGTH = 200  # what the catalogue searches for (catalogue_query keeps no more)
MAX_FILTER_VALUE_LENGTH = 100
_FACET_DESCRIPTIONS = {
    "type": "Initiative type (slug), e.g. zorgcooperatie",
    "provincie": "Province (slug), e.g. drenthe",
    "gemeente": "Municipality (slug), e.g. amsterdam",
    "activiteit": "Activity (slug), e.g. maaltijden",
    "doelgroep": "Target group (slug), e.g. ouderen",
    "aanpak": "Approach (slug), e.g. voorzorgcirkels",
    "status": "Status: actief, in_oprichting or gestopt",
}


def _filter_parameters() -> list[dict]:
    """The list endpoints' query parameters; query_params enforces exactly these schemas."""
    parameters = [
        {
            "name": "q",
            "in": "query",
            "description": "Search text (name, place, municipality, activity …), accents ignored",
            "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        }
    ]
    for param in selectors.FACET_PARAMS:
        if param == "status":
            item = {"type": "string", "enum": Initiative.Status.values}
        else:
            item = {
                "type": "string",
                "maxLength": MAX_FILTER_VALUE_LENGTH,
                "pattern": SLUG_PATTERN,
            }
        parameters.append(
            {
                "name": param,
                "in": "query",
                "description": _FACET_DESCRIPTIONS.get(param, param)
                + ". Repeat the parameter for several values (OR); "
                "different parameters combine with AND.",
                "schema": {"type": "array", "items": item, "maxItems": MAX_FILTER_VALUES},
                "style": "form",
                "explode": True,
            }
        )
    parameters.append(
        {
            "name": "sort",
            "in": "query",
            "description": "Order: relevantie (best match, only with q), naam, gecontroleerd "
            "(recently checked first) or nieuw (newest first). Without it: relevantie when "
            "there is a q, naam otherwise.",
            "schema": {"type": "string", "enum": list(selectors.SORTS)},
        }
    )
    return parameters + PAGE_PARAMETERS


FILTER_PARAMETERS = _filter_parameters()


def _page(request):
    """The requested page of filtered results, or raise BadRequest / EmptyPage."""
    params = query_params(request, FILTER_PARAMETERS)
    size = params.get("page_size", DEFAULT_PAGE_SIZE)
    results = selectors.catalogue_results(catalogue_query(request.GET))
    paginator = selectors.CataloguePaginator(results, size, prefetch=selectors.TERM_PREFETCH)
    return paginator.page(params.get("page", 1))


@api_view
def initiatives_json(request):
    return paged_json(request, _page, initiative_record)


@api_view
def initiative_json(request, slug):
    if len(slug) > SLUG_MAX_LENGTH:  # no initiative has it: spare the query
        return error_response(404, "not found")
    try:
        initiative = selectors.initiative_public(slug)
    except Initiative.DoesNotExist:
        return error_response(404, "not found")
    return json_response(initiative_record(initiative))


def _hsds_page(request, page, contents: list) -> dict:
    return {
        "total_items": page.paginator.count,
        "total_pages": page.paginator.num_pages,
        "page_number": page.number,
        "size": len(contents),
        "first_page": page.number == 1,
        "last_page": not page.has_next(),
        "empty": not contents,
        "contents": contents,
    }


@api_view
def initiatives_hsds(request):
    """HSDS 3.0 services, paged like the HSDS API's Page (total_items, contents …)."""
    return paged_json(request, _page, hsds.service_record, envelope=_hsds_page)
