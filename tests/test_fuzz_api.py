"""Fuzz every /api/ URL with every parameter its OpenAPI document declares.

Values are over-long, mis-encoded (invalid UTF-8, NUL, lone surrogates), of the wrong type,
out of range or repeated. Whatever comes in: no answer is a 5xx, every answer is JSON,
every 4xx is one the document lists for that operation, a value that breaks its schema is
refused, and a 200 matches its documented schema. The values reach Django percent-encoded,
exactly as a client would send them, and are decoded by Django's own QueryDict to decide
whether they are valid.
"""

import json
import re
from datetime import date
from urllib.parse import quote, quote_from_bytes, unquote

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from events.models import Event, Series
from initiatives import services
from initiatives.models import Activity, Initiative, InitiativeType, Municipality
from zorgzaam.views import openapi_document

# Read at import to name the cases; the first test checks it is the one the app serves.
DOCUMENT = openapi_document()
SLUG = "zorgcooperatie-fuzz"  # an initiative's and a meeting's, so both details answer
# Values that find something: the detail's slug and the filter values the data below has.
KNOWN_SLUGS = [
    SLUG,
    "zorgcooperatie",
    "maaltijden",
    "drenthe",
    "amsterdam",
    "hoogeveen",
    "fuzz-organisatie",
    "fuzz-reeks",
    "Rotterdam",
]
MIS_ENCODED = [
    "%FF",  # not UTF-8 at all
    "%00",  # NUL
    "%ED%A0%80",  # a lone surrogate (U+D800) in UTF-8 form
    "%C0%AF",  # an overlong encoding of "/"
    "%E2%82",  # a truncated sequence
    "%F4%90%80%80",  # above U+10FFFF
    "%",
    "%G0",
    "%25",
    "+",
    "%2B",
    "%26",
    "%3D",
    "%0A",
]
ODD_NUMBERS = [
    "-0",
    "007",
    "1.5",
    "1e3",
    "0x10",
    "١٢",  # Arabic-Indic digits: int() takes them, the schema does not
    "１２",  # full-width digits
    " 1",
    "1 ",
    "+1",
    "1_000",
    "9" * 5000,
    "NaN",
    "Infinity",
    "true",
    "null",
    "[]",
    "{}",
    "",
]


def _cases():
    """(path, method, parameter name or None for an undocumented one) for every operation."""
    for path, item in DOCUMENT["paths"].items():
        operation = item["get"]
        for parameter in operation.get("parameters", []):
            yield pytest.param(path, parameter["name"], id=f"{path} {parameter['name']}")
        yield pytest.param(path, None, id=f"{path} (undocumented)")


def _parameter(operation: dict, name: str | None) -> dict:
    if name is None:
        return {"name": "zzz-undocumented", "in": "query", "schema": {}}
    return next(p for p in operation.get("parameters", []) if p["name"] == name)


def _encoded(text: str) -> str:
    return quote(text, safe="")


def _scalar_values(schema: dict) -> st.SearchStrategy[str]:
    """Percent-encoded values for one scalar: right, wrong, too long, badly encoded."""
    limit = schema.get("maxLength", 200)
    text = st.text(max_size=20).map(_encoded)
    strategies = [
        text,
        st.binary(max_size=12).map(lambda raw: quote_from_bytes(raw, safe="")),
        st.tuples(text, st.sampled_from(MIS_ENCODED), text).map("".join),
        # Around the length limit, in characters that take one to four bytes.
        st.tuples(st.sampled_from("aé€😀"), st.integers(limit - 1, limit + 40)).map(
            lambda pair: _encoded(pair[0] * pair[1])
        ),
        st.integers(-(10**30), 10**30).map(str),
        st.sampled_from(ODD_NUMBERS).map(_encoded),
        st.from_regex(r"[-a-z0-9_]{1,30}", fullmatch=True),
        st.sampled_from(KNOWN_SLUGS),
        st.dates().map(date.isoformat),  # for the date filters, at both ends of the calendar
    ]
    if schema.get("type") == "integer":
        low, high = schema["minimum"], schema["maximum"]
        strategies += [
            st.integers(low - 3, low + 3).map(str),
            st.integers(high - 3, high + 3).map(str),
        ]
    if "enum" in schema:  # half of them allowed, or few would be
        return st.one_of(st.sampled_from(schema["enum"]), st.one_of(strategies))
    return st.one_of(strategies)


def _values(schema: dict) -> st.SearchStrategy[list[str]]:
    """A parameter's values: one, or several by repeating it (an array)."""
    item = _scalar_values(schema.get("items", schema))
    strategies = [item.map(lambda value: [value]), st.lists(item, min_size=2, max_size=3)]
    if "maxItems" in schema:
        repeats = st.integers(schema["maxItems"] - 1, schema["maxItems"] + 2)
        strategies.append(st.tuples(item, repeats).map(lambda pair: [pair[0]] * pair[1]))
    return st.one_of(strategies)


_INTEGER = re.compile(r"-?[0-9]+")


def _as_typed(schema: dict, raw: str):
    """A decoded query value as the JSON value it stands for, or None when it stands for none."""
    if schema.get("type") == "integer":
        if not _INTEGER.fullmatch(raw):
            return None
        try:
            return int(raw)
        except ValueError:  # too many digits for Python: no usable integer either
            return None
    return raw


def _conforms(schema: dict, values: list[str]) -> bool:
    """Whether the decoded values are what the parameter's schema allows."""
    if not schema:
        return True
    if schema["type"] == "array":
        instance = [_as_typed(schema["items"], value) for value in values]
    elif len(values) > 1:
        return False
    else:
        instance = _as_typed(schema, values[0])
    if instance is None or (isinstance(instance, list) and None in instance):
        return False
    return Draft202012Validator(schema).is_valid(instance)


@pytest.fixture(scope="module")
def document_validators():
    """Validators for the documented 200 answers, built once (the HSDS schemas are large)."""
    registry = Registry().with_resource(
        "urn:zorgzaam:openapi", Resource.from_contents(DOCUMENT, DRAFT202012)
    )
    validators = {}
    for path, item in DOCUMENT["paths"].items():
        schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        if "$ref" in schema:
            schema = {"$ref": "urn:zorgzaam:openapi" + schema["$ref"]}
        validators[path] = Draft202012Validator(schema, registry=registry)
    return validators


@pytest.fixture
def initiatives(db):
    """A few published initiatives, so pages, filters and the detail have something to show."""
    made = []
    for name, municipality, activities in (
        ("Zorgcoöperatie Fuzz", "GM0118", ["maaltijden", "vervoer"]),
        ("Buurtkracht Fuzz", "GM0363", []),
        ("Zonder Gemeente Fuzz", None, ["ontmoeting"]),
    ):
        initiative = Initiative.objects.create(
            name=name,
            slug=services.unique_slug(name),
            initiative_type=InitiativeType.objects.get(slug="zorgcooperatie"),
            municipality=Municipality.objects.get(code=municipality) if municipality else None,
            publication=Initiative.Publication.PUBLISHED,
            contact_name="Els Open",
            contact_email="els@example.org",
            contact_consent=True,
        )
        initiative.activities.set(Activity.objects.filter(slug__in=activities))
        services.initiative_index(initiative=initiative)
        made.append(initiative)
    assert made[0].slug == SLUG
    return made


@pytest.fixture
def meetings(make_event, make_organisation):
    """Meetings for the events API: in a series, cancelled, full, unlimited."""
    organisation = make_organisation("Fuzz Organisatie", slug="fuzz-organisatie")
    series = Series.objects.create(organisation=organisation, title="Fuzz", slug="fuzz-reeks")
    return [
        make_event(slug=SLUG, organisation=organisation, series=series, venue_city="Amsterdam"),
        make_event(slug="fuzz-vol", capacity=0, venue_city="Rotterdam", latitude="51.9"),
        make_event(slug="fuzz-afgelast", status=Event.Status.CANCELLED, languages="nl, en"),
    ]


def _request(client, path: str, name: str, parameter: dict, raw_values: list[str]):
    """Send the values as the client would, and say whether they are valid for the schema."""
    if parameter["in"] == "path":
        raw = raw_values[0]
        decoded = unquote(raw, errors="replace")
        if decoded == "hsds":  # that URL is the HSDS list, fuzzed as such
            return None, False
        url = path.replace("{" + name + "}", raw)
        return client.get(url), _conforms(parameter["schema"], [decoded])
    query = "&".join(f"{_encoded(name)}={raw}" for raw in raw_values)
    decoded = QueryDict(query).getlist(name)
    url = path.replace("{slug}", SLUG)  # another parameter fuzzed on the detail: a real one
    return client.get(f"{url}?{query}"), _conforms(parameter["schema"], decoded)


def test_the_fuzzed_document_is_the_served_one(client, db):
    served = client.get("/api/openapi.json").json()
    fuzzed = json.loads(json.dumps(DOCUMENT))
    for part in ("paths", "components"):  # "servers" follows SITE_URL, set per test
        assert served[part] == fuzzed[part], part


@pytest.mark.parametrize(("path", "name"), list(_cases()))
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
@example(data=None)  # the probe's findings, below, then Hypothesis's own
def test_fuzzed_parameters_get_documented_json_answers(
    client, initiatives, meetings, document_validators, path, name, data
):
    operation = DOCUMENT["paths"][path]["get"]
    parameter = _parameter(operation, name)
    if data is None:
        values_list = [
            ["1"],
            [SLUG],
            ["a" * 201],
            ["1000001"],
            ["%FF"],
            ["%00"],
            ["%ED%A0%80"],
            ["abc"],
            ["-1"],
            ["9" * 40],
            ["1", "2"],
        ]
    else:
        values_list = [data.draw(_values(parameter.get("schema", {})), label=name or "extra")]
    for raw_values in values_list:
        response, valid = _request(client, path, name or parameter["name"], parameter, raw_values)
        if response is None:
            continue
        context = (path, name, [value[:40] for value in raw_values], response.status_code)
        assert response.status_code < 500, context
        assert response["Content-Type"] == "application/json", context
        body = json.loads(response.content)
        if response.status_code >= 400:
            assert str(response.status_code) in operation["responses"], context
            assert isinstance(body["error"], str), context
        else:
            assert response.status_code == 200, context
            assert valid, ("a value that breaks the schema was accepted", *context)
            errors = [error.message for error in document_validators[path].iter_errors(body)]
            assert not errors, (*context, errors[:3])
