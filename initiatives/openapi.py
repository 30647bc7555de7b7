"""The catalogue's part of the OpenAPI document served at /api/openapi.json.

Its parameters come from the same list the views check (api.FILTER_PARAMETERS), so the
document and the behaviour cannot drift apart; the HSDS schemas are embedded (hsds.py).
The site puts the parts together (zorgzaam.api.openapi_document, zorgzaam/views.py).
"""

from zorgzaam.api import (
    ERROR_SCHEMA,
    OPENAPI_BAD_REQUEST,
    OPENAPI_UNAVAILABLE,
    openapi_error,
    openapi_json_content,
    openapi_page_schema,
    openapi_slug_parameter,
)

from . import hsds
from .api import FILTER_PARAMETERS, SLUG_MAX_LENGTH
from .models import Initiative

DESCRIPTION = (
    "**Initiatives** (`/api/initiatieven/`): published care-community initiatives in the "
    "Netherlands. Contact details appear only with consent; entries waiting for review, "
    "rejected or archived never appear.\n\n"
    "The `Hsds…` schemas are the Human Services Data Specification 3.0: an Open Referral "
    "resource (https://openreferral.org/), licensed CC BY-SA 4.0 "
    "(https://creativecommons.org/licenses/by-sa/4.0/)."
)


def openapi_part() -> dict:
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
    errors = {
        "400": OPENAPI_BAD_REQUEST,
        "404": openapi_error("Page out of range"),
        "503": OPENAPI_UNAVAILABLE,
    }
    return {
        "description": DESCRIPTION,
        "paths": {
            "/api/initiatieven/": {
                "get": {
                    "summary": "Published initiatives, filtered and paged",
                    "operationId": "listInitiatives",
                    "parameters": FILTER_PARAMETERS,
                    "responses": {
                        "200": {
                            "description": "A page of initiatives",
                            "content": openapi_json_content("#/components/schemas/InitiativePage"),
                        },
                        **errors,
                    },
                }
            },
            "/api/initiatieven/{slug}/": {
                "get": {
                    "summary": "One published initiative",
                    "operationId": "getInitiative",
                    "parameters": [openapi_slug_parameter(SLUG_MAX_LENGTH)],
                    "responses": {
                        "200": {
                            "description": "The initiative",
                            "content": openapi_json_content("#/components/schemas/Initiative"),
                        },
                        "400": OPENAPI_BAD_REQUEST,
                        "404": openapi_error(
                            "No published initiative with this slug (also for a value that "
                            "is not a slug)"
                        ),
                        "503": OPENAPI_UNAVAILABLE,
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
                    "parameters": FILTER_PARAMETERS,
                    "responses": {
                        "200": {
                            "description": "A page of HSDS services",
                            "content": openapi_json_content("#/components/schemas/HsdsPage"),
                        },
                        **errors,
                    },
                }
            },
        },
        "schemas": {
            **hsds.openapi_schemas(),
            "Term": term,
            "Initiative": initiative,
            "Error": ERROR_SCHEMA,
            "InitiativePage": openapi_page_schema("#/components/schemas/Initiative"),
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
                        "items": {"$ref": "#/components/schemas/" + hsds.component_name("service")},
                    },
                },
            },
        },
    }
