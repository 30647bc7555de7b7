"""The read-only open-data API: published initiatives as JSON and as HSDS 3.0.

Filters are the catalogue's (q and the facet parameters), through the same selector, so a
URL copied from the catalogue gives the same initiatives. Every page runs a fixed number of
queries whatever its size: one for the page's ids with the total, one for their rows, one
per prefetched taxonomy.
"""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import JsonResponse
from django.views.decorators.http import require_http_methods

from . import hsds, selectors
from .forms import catalogue_query
from .models import Initiative

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


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


def _int_param(request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}")
    return value


def _page(request):
    """The requested page of filtered results, or raise BadRequest / EmptyPage."""
    size = _int_param(request, "page_size", DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    number = _int_param(request, "page", 1, low=1, high=10**6)
    results = selectors.catalogue_results(catalogue_query(request.GET))
    paginator = selectors.CataloguePaginator(results, size, prefetch=selectors.TERM_PREFETCH)
    return paginator.page(number)


def _page_url(request, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(request.path + "?" + params.urlencode())


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _json(data) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_http_methods(["GET", "HEAD"])
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


@require_http_methods(["GET", "HEAD"])
def initiative_json(request, slug):
    try:
        initiative = selectors.initiative_public(slug)
    except Initiative.DoesNotExist:
        return _error(404, "not found")
    return _json(initiative_record(initiative))


@require_http_methods(["GET", "HEAD"])
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


def _filter_parameters() -> list[dict]:
    descriptions = {
        "type": "Initiative type (slug), e.g. zorgcooperatie",
        "provincie": "Province (slug), e.g. drenthe",
        "gemeente": "Municipality (slug), e.g. amsterdam",
        "activiteit": "Activity (slug), e.g. maaltijden",
        "doelgroep": "Target group (slug), e.g. ouderen",
        "aanpak": "Approach (slug), e.g. voorzorgcirkels",
        "status": "Status: actief, in_oprichting or gestopt",
    }
    parameters = [
        {
            "name": "q",
            "in": "query",
            "description": "Search text (name, place, municipality, activity …), accents ignored",
            "schema": {"type": "string", "maxLength": 200},
        }
    ]
    for param in selectors.FACET_PARAMS:
        parameters.append(
            {
                "name": param,
                "in": "query",
                "description": descriptions.get(param, param)
                + ". Repeat the parameter for several values (OR); "
                "different parameters combine with AND.",
                "schema": {"type": "array", "items": {"type": "string"}},
                "style": "form",
                "explode": True,
            }
        )
    parameters += [
        {
            "name": "page",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
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


def openapi_document() -> dict:
    term = {
        "type": "object",
        "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
        "required": ["slug", "name"],
    }
    terms = {"type": "array", "items": {"$ref": "#/components/schemas/Term"}}
    nullable_string = {"type": ["string", "null"]}
    initiative = {
        "type": "object",
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
            "type": {"oneOf": [{"$ref": "#/components/schemas/Term"}, {"type": "null"}]},
            "summary": {"type": "string"},
            "description": {"type": "string"},
            "status": {"type": "string", "enum": Initiative.Status.values},
            "legal_form": {"type": "string", "enum": ["", *Initiative.LegalForm.values]},
            "founded_year": {"type": ["integer", "null"]},
            "volunteers_count": {"type": ["integer", "null"]},
            "members_count": {"type": ["integer", "null"]},
            "membership_fee": {"type": "string"},
            "municipality": {
                "type": ["object", "null"],
                "properties": {
                    "code": {"type": "string", "description": "CBS code, e.g. GM0363"},
                    "name": {"type": "string"},
                    "slug": {"type": "string"},
                },
            },
            "province": {
                "type": ["object", "null"],
                "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
            },
            "place": {"type": "string"},
            "neighbourhood": {"type": "string"},
            "postcode_area": {"type": "string", "description": "The 4 digits of the postcode"},
            "address": {
                "type": "string",
                "description": "Street and number, only when the initiative shows it",
            },
            "latitude": {
                "type": ["number", "null"],
                "description": "Approximate; care circles at about 1 km",
            },
            "longitude": {"type": ["number", "null"]},
            "area_served": {"type": "string"},
            "approaches": terms,
            "activities": terms,
            "target_groups": terms,
            "themes": terms,
            "partner_kinds": terms,
            "partners": {"type": "string"},
            "networks": {"type": "string"},
            "website": {"type": "string"},
            "contact": {
                "type": ["object", "null"],
                "description": "Only when the initiative agreed to show its contact details",
                "properties": {
                    "name": {"type": "string"},
                    "email": {"type": "string"},
                    "phone": {"type": "string"},
                },
            },
            "last_verified_on": {**nullable_string, "format": "date"},
            "updated_at": {"type": "string", "format": "date-time"},
            "synthetic": {"type": "boolean", "description": "Generated test data"},
        },
    }
    error = {"type": "object", "properties": {"error": {"type": "string"}}}
    json_content = lambda ref: {"application/json": {"schema": {"$ref": ref}}}  # noqa: E731
    errors = {
        "400": {
            "description": "Bad parameter",
            "content": json_content("#/components/schemas/Error"),
        },
        "404": {
            "description": "Page out of range",
            "content": json_content("#/components/schemas/Error"),
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Zorgzaam initiatieven API",
            "version": "1.0.0",
            "description": "Read-only open data: published care-community initiatives in the "
            "Netherlands. Contact details appear only with consent; entries waiting for "
            "review, rejected or archived never appear.",
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": {
            "/api/initiatieven/": {
                "get": {
                    "summary": "Published initiatives, filtered and paged",
                    "operationId": "listInitiatives",
                    "parameters": _filter_parameters(),
                    "responses": {
                        "200": {
                            "description": "A page of initiatives",
                            "content": json_content("#/components/schemas/InitiativePage"),
                        },
                        **errors,
                    },
                }
            },
            "/api/initiatieven/{slug}/": {
                "get": {
                    "summary": "One published initiative",
                    "operationId": "getInitiative",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The initiative",
                            "content": json_content("#/components/schemas/Initiative"),
                        },
                        "404": {
                            "description": "Not found",
                            "content": json_content("#/components/schemas/Error"),
                        },
                    },
                }
            },
            "/api/initiatieven/hsds/": {
                "get": {
                    "summary": "The same initiatives as HSDS 3.0 services (Open Referral)",
                    "description": "Each item in `contents` is an HSDS 3.0 service with its "
                    "organization, service_at_locations (location with address; the province "
                    "in state_province) and attributes linking taxonomy terms for type, "
                    "activities and target groups. Same filters as /api/initiatieven/.",
                    "operationId": "listInitiativesHsds",
                    "parameters": _filter_parameters(),
                    "responses": {
                        "200": {
                            "description": "A page of HSDS services",
                            "content": json_content("#/components/schemas/HsdsPage"),
                        },
                        **errors,
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Term": term,
                "Initiative": initiative,
                "Error": error,
                "InitiativePage": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer"},
                        "page": {"type": "integer"},
                        "page_size": {"type": "integer"},
                        "num_pages": {"type": "integer"},
                        "next": nullable_string,
                        "previous": nullable_string,
                        "results": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Initiative"},
                        },
                    },
                },
                "HsdsPage": {
                    "type": "object",
                    "properties": {
                        "total_items": {"type": "integer"},
                        "total_pages": {"type": "integer"},
                        "page_number": {"type": "integer"},
                        "size": {"type": "integer"},
                        "first_page": {"type": "boolean"},
                        "last_page": {"type": "boolean"},
                        "empty": {"type": "boolean"},
                        "contents": {
                            "type": "array",
                            "items": {
                                "$ref": "https://raw.githubusercontent.com/openreferral/"
                                "specification/3.0/schema/service.json"
                            },
                        },
                    },
                },
            }
        },
    }


@require_http_methods(["GET", "HEAD"])
def openapi(request):
    return _json(openapi_document())
