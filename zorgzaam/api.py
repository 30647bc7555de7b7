"""What every read-only JSON API here shares: answers, errors, query checks, paging, OpenAPI.

Each app's API declares its query parameters once, as OpenAPI parameter objects, and
`query_params` enforces exactly the schemas they declare, so a value the document forbids
is a 400, never quietly cut or ignored. Every answer is JSON, errors included
(zorgzaam/errors.py for unknown URLs). The apps contribute their paths and schemas to one
document (`openapi_document`); the site composes it (zorgzaam/views.py), as it composes
the home page, so neither app needs to know the other.
"""

import functools
import logging
import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import OperationalError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 10**6
RETRY_AFTER_SECONDS = 5

# Django's slug path converter as a JSON Schema pattern (ECMA 262, matched as a whole).
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# A name as people write it (a place, an organisation): not blank, no control characters,
# and no U+FFFD, which is what bytes that were not UTF-8 decode to.
NAME_PATTERN = r"^[^\x00-\x1f\x7f\ufffd]*[^\s\x00-\x1f\x7f\ufffd][^\x00-\x1f\x7f\ufffd]*$"
_PATTERN_RULES = {
    SLUG_PATTERN: "must be a slug: letters, digits, - and _",
    DATE_PATTERN: "must be a date written YYYY-MM-DD",
    NAME_PATTERN: "must be a name in UTF-8: not blank, without control characters",
}
_INTEGER = re.compile(r"-?[0-9]+")  # ASCII digits only: int() also takes "٣", " 3", "1_0"


class BadRequest(Exception):
    pass


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
        rule = _PATTERN_RULES.get(schema["pattern"], f"must match {schema['pattern']}")
        raise BadRequest(f"{name} {rule}")
    if schema.get("format") == "date":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise BadRequest(f"{name} must be a date that exists, e.g. 2025-11-21") from None
    return raw


def query_params(request, parameters: list[dict]) -> dict:
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


PAGE_PARAMETERS = [
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


def page_url(request, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(request.path + "?" + params.urlencode())


def page_envelope(request, page, results: list) -> dict:
    """One page of results with the totals and the links to the pages beside it."""
    return {
        "count": page.paginator.count,
        "page": page.number,
        "page_size": page.paginator.per_page,
        "num_pages": page.paginator.num_pages,
        "next": page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": (
            page_url(request, page.previous_page_number()) if page.has_previous() else None
        ),
        "results": results,
    }


def paged_json(request, page_of, record, envelope=page_envelope) -> JsonResponse:
    """A page of results: `page_of(request)` finds the page (raising BadRequest, or the
    paginator's errors for a page out of range), `record` writes each result and
    `envelope(request, page, results)` the answer around them."""
    try:
        page = page_of(request)
    except BadRequest as error:
        return error_response(400, str(error))
    except (EmptyPage, PageNotAnInteger):
        return error_response(404, "page out of range")
    return json_response(envelope(request, page, [record(item) for item in page.object_list]))


def _cors(response: JsonResponse) -> JsonResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(status: int, message: str) -> JsonResponse:
    return _cors(JsonResponse({"error": message}, status=status))


def json_response(data) -> JsonResponse:
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
            response = error_response(405, f"method {request.method} not allowed: use GET")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except OperationalError:
            logger.exception("Database unavailable for %s", request.path)
            response = error_response(503, "the database is unavailable, please try again shortly")
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response

    return csrf_exempt(wrapper)


# The OpenAPI document -------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "string", "description": "What went wrong"}},
    "required": ["error"],
}


def openapi_json_content(ref: str) -> dict:
    return {"application/json": {"schema": {"$ref": ref}}}


def openapi_slug_parameter(max_length: int) -> dict:
    return {
        "name": "slug",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "maxLength": max_length, "pattern": SLUG_PATTERN},
    }


def openapi_error(description: str) -> dict:
    """A documented error answer: JSON with the Error schema every part includes."""
    return {
        "description": description,
        "content": openapi_json_content("#/components/schemas/Error"),
    }


OPENAPI_BAD_REQUEST = openapi_error(
    "Bad parameter: a value breaks its schema, a single-valued parameter is repeated, "
    "or the query has a NUL character or more than 1,000 fields"
)
OPENAPI_UNAVAILABLE = openapi_error("The database is unavailable or too slow; retry later")


def openapi_page_schema(item_ref: str) -> dict:
    """The schema of `page_envelope`, with items of the given component."""
    nullable_string = {"type": ["string", "null"]}
    return {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            "num_pages": {"type": "integer"},
            "next": nullable_string,
            "previous": nullable_string,
            "results": {"type": "array", "items": {"$ref": item_ref}},
        },
    }


def openapi_document(*parts: dict) -> dict:
    """The OpenAPI 3.1 document of every part: each {"description", "paths", "schemas"}.

    Two parts may declare the same schema (each declares Error, so it stands alone) only
    if they declare it alike; a path belongs to one part.
    """
    paths = {
        "/api/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "getOpenApiDocument",
                "responses": {
                    "200": {
                        "description": "The OpenAPI 3.1 document of this API",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "400": OPENAPI_BAD_REQUEST,
                },
            }
        }
    }
    schemas = {}
    for part in parts:
        for path in part["paths"]:
            if path in paths:
                raise ImproperlyConfigured(f"Two parts of the API document describe {path}.")
        paths.update(part["paths"])
        for name, schema in part["schemas"].items():
            if schemas.setdefault(name, schema) != schema:
                raise ImproperlyConfigured(f"Two parts of the API document differ on {name}.")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Zorgzaam API",
            "version": "1.1.0",
            "description": "Read-only open data. Every error, on any /api/ URL, is JSON: "
            '`{"error": "…"}`.\n\n' + "\n\n".join(part["description"] for part in parts),
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
