"""The read-only open-data API: published initiatives as JSON and as HSDS 3.0.

Filters are the catalogue's (q and the facet parameters), through the same selector, so a
URL copied from the catalogue gives the same initiatives. Every page runs a fixed number of
queries whatever its size: one for the page's ids with the total, one for their rows, one
per prefetched taxonomy.

Each query parameter is checked against the schema /api/openapi.json declares for it (both
read FILTER_PARAMETERS), so a value the document forbids is a 400, never quietly cut or
ignored. Every answer is JSON, errors included (zorgzaam/errors.py for unknown URLs).
"""

import functools
import logging
import re

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import OperationalError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from . import hsds, selectors
from .forms import MAX_FILTER_VALUES, catalogue_query
from .models import Initiative

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
RETRY_AFTER_SECONDS = 5


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


class BadRequest(Exception):
    pass


# Django's slug path converter as a JSON Schema pattern (ECMA 262, matched as a whole).
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
SLUG_MAX_LENGTH = Initiative._meta.get_field("slug").max_length
MAX_QUERY_LENGTH = 200  # what the catalogue searches for (catalogue_query keeps no more)
MAX_FILTER_VALUE_LENGTH = 100
MAX_PAGE = 10**6
_INTEGER = re.compile(r"-?[0-9]+")  # ASCII digits only: int() also takes "٣", " 3", "1_0"
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
    """The list endpoints' query parameters; _query_params enforces exactly these schemas."""
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
    parameters += [
        {
            "name": "sort",
            "in": "query",
            "description": "Order: relevantie (best match, only with q), naam, gecontroleerd "
            "(recently checked first) or nieuw (newest first). Without it: relevantie when "
            "there is a q, naam otherwise.",
            "schema": {"type": "string", "enum": list(selectors.SORTS)},
        },
        {
            "name": "page",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        },
        {
            "name": "page_size",
            "in": "query",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PAGE_SIZE,
                "default": DEFAULT_PAGE_SIZE,
            },
        },
    ]
    return parameters


FILTER_PARAMETERS = _filter_parameters()


def _checked(name: str, schema: dict, raw: str):
    """One query value as its schema's type, or BadRequest saying which rule it breaks."""
    if schema["type"] == "integer":
        if not _INTEGER.fullmatch(raw):
            raise BadRequest(f"{name} must be a whole number")
        low, high = schema["minimum"], schema["maximum"]
        try:
            value = int(raw)
        except ValueError:  # more digits than Python converts: far outside the range
            value = low - 1
        if not low <= value <= high:
            raise BadRequest(f"{name} must be between {low} and {high}")
        return value
    if "maxLength" in schema and len(raw) > schema["maxLength"]:
        raise BadRequest(f"{name} must be at most {schema['maxLength']} characters long")
    if "enum" in schema and raw not in schema["enum"]:
        raise BadRequest(f"{name} must be one of: {', '.join(schema['enum'])}")
    if "pattern" in schema and not re.fullmatch(schema["pattern"], raw):
        raise BadRequest(f"{name} must be a slug: letters, digits, - and _")
    return raw


def _query_params(request, parameters: list[dict]) -> dict:
    """The documented query parameters that were given, checked against their schemas."""
    values = {}
    for parameter in parameters:
        name, schema = parameter["name"], parameter["schema"]
        given = request.GET.getlist(name)
        if not given:
            continue
        if schema["type"] == "array":
            if len(given) > schema["maxItems"]:
                raise BadRequest(f"{name} may be given at most {schema['maxItems']} times")
            values[name] = [_checked(name, schema["items"], value) for value in given]
        elif len(given) > 1:
            raise BadRequest(f"{name} may be given only once")
        else:
            values[name] = _checked(name, schema, given[0])
    return values


def _page(request):
    """The requested page of filtered results, or raise BadRequest / EmptyPage."""
    params = _query_params(request, FILTER_PARAMETERS)
    size = params.get("page_size", DEFAULT_PAGE_SIZE)
    results = selectors.catalogue_results(catalogue_query(request.GET))
    paginator = selectors.CataloguePaginator(results, size, prefetch=selectors.TERM_PREFETCH)
    return paginator.page(params.get("page", 1))


def _page_url(request, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(request.path + "?" + params.urlencode())


def _cors(response: JsonResponse) -> JsonResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(status: int, message: str) -> JsonResponse:
    return _cors(JsonResponse({"error": message}, status=status))


def _json(data) -> JsonResponse:
    return _cors(JsonResponse(data, json_dumps_params={"ensure_ascii": False}))


def api_view(view):
    """GET and HEAD only, answered in JSON, also when the method or the database fails.

    No CSRF check: nothing here changes state, and a POST should hear 405, not the HTML
    CSRF page. A database that is down, locked or too slow (OperationalError, which is
    also what a statement or lock timeout raises) is a 503 to retry; any other error
    reaches handler500, which answers JSON under /api/ too.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _error(405, f"method {request.method} not allowed: use GET")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except OperationalError:
            logger.exception("Database unavailable for %s", request.path)
            response = _error(503, "the database is unavailable, please try again shortly")
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response

    return csrf_exempt(wrapper)


@api_view
def initiatives_json(request):
    try:
        page = _page(request)
    except BadRequest as error:
        return _error(400, str(error))
    except (EmptyPage, PageNotAnInteger):
        return _error(404, "page out of range")
    return _json(
        {
            "count": page.paginator.count,
            "page": page.number,
            "page_size": page.paginator.per_page,
            "num_pages": page.paginator.num_pages,
            "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                _page_url(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [initiative_record(initiative) for initiative in page.object_list],
        }
    )


@api_view
def initiative_json(request, slug):
    if len(slug) > SLUG_MAX_LENGTH:  # no initiative has it: spare the query
        return _error(404, "not found")
    try:
        initiative = selectors.initiative_public(slug)
    except Initiative.DoesNotExist:
        return _error(404, "not found")
    return _json(initiative_record(initiative))


@api_view
def initiatives_hsds(request):
    """HSDS 3.0 services, paged like the HSDS API's Page (total_items, contents …)."""
    try:
        page = _page(request)
    except BadRequest as error:
        return _error(400, str(error))
    except (EmptyPage, PageNotAnInteger):
        return _error(404, "page out of range")
    contents = [hsds.service_record(initiative) for initiative in page.object_list]
    return _json(
        {
            "total_items": page.paginator.count,
            "total_pages": page.paginator.num_pages,
            "page_number": page.number,
            "size": len(contents),
            "first_page": page.number == 1,
            "last_page": not page.has_next(),
            "empty": not contents,
            "contents": contents,
        }
    )
