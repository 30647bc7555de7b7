"""The events API's part of the OpenAPI document served at /api/openapi.json.

Its parameters are the list the views check (api.FILTER_PARAMETERS), so the document and
the behaviour cannot drift apart; tests check every answer against these schemas. The
site puts the parts together (zorgzaam.api.openapi_document, zorgzaam/views.py).
"""

from zorgzaam.api import (
    ERROR_SCHEMA,
    OPENAPI_BAD_REQUEST,
    OPENAPI_UNAVAILABLE,
    SLUG_PATTERN,
    openapi_error,
    openapi_json_content,
    openapi_page_schema,
    openapi_slug_parameter,
)

from .api import FILTER_PARAMETERS, FULL, SLUG_MAX_LENGTH
from .models import Event

DESCRIPTION = (
    "**Meetings** (`/api/evenementen/`): public meetings (bijeenkomsten) that have not "
    "ended yet, soonest first, with their organisation, series, venue, times, places left "
    "and the links to sign up and to add them to a calendar. A cancelled meeting stays "
    'listed with `"status": "cancelled"` until its end, so copies elsewhere learn it is '
    "off; drafts never appear. Nothing about the people who signed up is shown but the "
    "places left."
)

_REGISTRATION_STATES = ["open", "not_yet", "closed", "cancelled"]


def _object(properties: dict, description: str | None = None) -> dict:
    """An object whose properties are always all present (null where unknown)."""
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    if description:
        schema["description"] = description
    return schema


def _link(**extra) -> dict:
    return {"type": "string", "format": "uri", **extra}


def _moment(description: str, *, nullable: bool = False) -> dict:
    return {
        "type": ["string", "null"] if nullable else "string",
        "format": "date-time",
        "description": description,
    }


def _event_schema() -> dict:
    text = {"type": "string"}
    return _object(
        {
            "slug": {"type": "string", "pattern": SLUG_PATTERN},
            "title": text,
            "summary": text,
            "description": {
                "type": "string",
                "description": "Plain text, as the organisers wrote it",
            },
            "url": _link(description="The meeting's page (the address on its flyer and QR code)"),
            "status": {
                "type": "string",
                "enum": [Event.Status.PUBLISHED.value, Event.Status.CANCELLED.value],
                "description": "cancelled: the meeting is off (it stays listed until its end)",
            },
            "organisation": _object(
                {"slug": text, "name": text, "url": _link()}, "The organisation holding it"
            ),
            "series": {
                "oneOf": [
                    _object({"slug": text, "title": text, "url": _link()}),
                    {"type": "null"},
                ],
                "description": "The series it is part of (a tour of visits, a yearly edition)",
            },
            "venue": _object(
                {
                    "name": text,
                    "street": {"type": "string", "description": "Street and number"},
                    "postcode": text,
                    "city": {"type": "string", "description": "What `municipality` filters on"},
                    "latitude": {"type": ["number", "null"]},
                    "longitude": {"type": ["number", "null"]},
                    "accessibility": {"type": "string", "description": "How to get in"},
                }
            ),
            "starts_at": _moment("ISO 8601 in Dutch time with its offset"),
            "ends_at": _moment("ISO 8601 in Dutch time with its offset"),
            "places_left": {
                "oneOf": [
                    {"type": "integer", "minimum": 1},
                    {"type": "string", "const": FULL},
                    {"type": "null"},
                ],
                "description": "Places still free: a whole number of at least 1; "
                f'"{FULL}" when every place is taken (who signs up then joins the waiting '
                "list); null when the meeting has no limit, or is cancelled.",
            },
            "registration": {
                "type": "string",
                "enum": _REGISTRATION_STATES,
                "description": "open: the sign-up form takes sign-ups now (to the waiting list "
                f'when places_left is "{FULL}"); not_yet: it opens at registration_opens_at; '
                "closed: it has closed; cancelled: the meeting is off.",
            },
            "registration_opens_at": _moment(
                "When sign-up opens; null: it is open from publication", nullable=True
            ),
            "registration_closes_at": _moment(
                "When sign-up closes: the end of the meeting unless the organisers set earlier"
            ),
            "signup_url": _link(description="The sign-up form on the meeting's page"),
            "ical_url": _link(description="The meeting as an iCalendar (.ics) file"),
            "languages": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Languages spoken, as the organisers give them, e.g. nl, en",
            },
            "free_entry": {"type": "boolean"},
            "updated_at": _moment("When the meeting was last changed"),
        }
    )


def openapi_part() -> dict:
    return {
        "description": DESCRIPTION,
        "paths": {
            "/api/evenementen/": {
                "get": {
                    "summary": "Public meetings still to come, filtered and paged",
                    "operationId": "listEvents",
                    "parameters": FILTER_PARAMETERS,
                    "responses": {
                        "200": {
                            "description": "A page of meetings, soonest first",
                            "content": openapi_json_content("#/components/schemas/EventPage"),
                        },
                        "400": openapi_error(
                            OPENAPI_BAD_REQUEST["description"] + ", or from is after to"
                        ),
                        "404": openapi_error("Page out of range"),
                        "503": OPENAPI_UNAVAILABLE,
                    },
                }
            },
            "/api/evenementen/{slug}/": {
                "get": {
                    "summary": "One public meeting",
                    "description": "Also a meeting that has ended or was cancelled, so a "
                    "stored slug keeps answering; never a draft.",
                    "operationId": "getEvent",
                    "parameters": [openapi_slug_parameter(SLUG_MAX_LENGTH)],
                    "responses": {
                        "200": {
                            "description": "The meeting",
                            "content": openapi_json_content("#/components/schemas/Event"),
                        },
                        "400": OPENAPI_BAD_REQUEST,
                        "404": openapi_error(
                            "No public meeting with this slug (also for a draft, and for a "
                            "value that is not a slug)"
                        ),
                        "503": OPENAPI_UNAVAILABLE,
                    },
                }
            },
        },
        "schemas": {
            "Event": _event_schema(),
            "EventPage": openapi_page_schema("#/components/schemas/Event"),
            "Error": ERROR_SCHEMA,
        },
    }
