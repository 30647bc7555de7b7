import json
import socket
import urllib.request

import openapi_spec_validator
import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError, ProgrammingError, connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from initiatives import hsds, selectors
from initiatives.models import Initiative
from zorgzaam.api import DATE_PATTERN, NAME_PATTERN, SLUG_PATTERN

# The project's own copy: the suite must pass in a clone anywhere, offline.
HSDS = hsds.SCHEMA_DIR
API_URLS = [
    "/api/openapi.json",
    "/api/initiatieven/",
    "/api/initiatieven/hsds/",
    "/api/initiatieven/zorgcooperatie-hollandscheveld/",
]


@pytest.fixture(scope="module")
def service_validator():
    """A validator for service.json that resolves $refs to the sibling schema files."""
    resources = []
    for path in HSDS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(schema, DRAFT202012)))
    registry = Registry().with_resources(resources)
    schema = json.loads((HSDS / "service.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


@pytest.fixture
def catalogue(make_initiative):
    shown = make_initiative(
        "Zorgcoöperatie Hollandscheveld",
        type_slug="zorgcooperatie",
        municipality="GM0118",
        activities=["maaltijden", "vervoer"],
        target_groups=["ouderen"],
        approaches=["omzien-naar-elkaar"],
        contact_name="Els Open",
        contact_email="els@example.org",
        contact_phone="0612345678",
        contact_consent=True,
        street_address="Kerkstraat 2",
        show_address=True,
        postcode_area="7913",
        latitude="52.70123",
        longitude="6.55123",
        website="https://example.org/hollandscheveld",
        founded_year=2010,
        legal_form="cooperatie",
    )
    hidden = make_initiative(
        "Voorzorgcirkel De Linde",
        type_slug="voorzorgcirkel",
        municipality="GM0363",
        contact_name="Piet Geheim",
        contact_email="piet@example.org",
        contact_phone="0699999999",
        contact_consent=False,
        street_address="Geheimstraat 9",
        show_address=True,
        postcode_area="1062",
        neighbourhood="Slotermeer",
        latitude="52.37123",
        longitude="4.81123",
    )
    pending = make_initiative("Nog Niet Gepubliceerd", publication=Initiative.Publication.PENDING)
    rejected = make_initiative("Afgewezen Initiatief", publication=Initiative.Publication.REJECTED)
    return {"shown": shown, "hidden": hidden, "pending": pending, "rejected": rejected}


def _all_text(client, url):
    return client.get(url).content.decode()


def test_api_lists_published_initiatives_with_consented_contacts_only(client, catalogue):
    response = client.get("/api/initiatieven/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    names = [record["name"] for record in data["results"]]
    assert names == ["Voorzorgcirkel De Linde", "Zorgcoöperatie Hollandscheveld"]
    shown = data["results"][1]
    assert shown["contact"] == {
        "name": "Els Open",
        "email": "els@example.org",
        "phone": "0612345678",
    }
    assert shown["address"] == "Kerkstraat 2"
    assert shown["province"]["name"] == "Drenthe"
    assert [term["slug"] for term in shown["activities"]] == ["vervoer", "maaltijden"]
    circle = data["results"][0]
    assert circle["contact"] is None and circle["address"] == "" and circle["neighbourhood"] == ""
    assert circle["latitude"] == 52.37
    for url in (
        "/api/initiatieven/",
        "/api/initiatieven/hsds/",
        "/api/initiatieven/hsds/?page_size=100",
    ):
        text = _all_text(client, url)
        for secret in (
            "Piet Geheim",
            "piet@example.org",
            "0699999999",
            "Geheimstraat",
            "Slotermeer",
            "Nog Niet Gepubliceerd",
            "Afgewezen",
        ):
            assert secret not in text, (url, secret)


def test_api_detail_and_unpublished_detail_is_404(client, catalogue):
    assert client.get(f"/api/initiatieven/{catalogue['shown'].slug}/").json()["name"] == (
        "Zorgcoöperatie Hollandscheveld"
    )
    response = client.get(f"/api/initiatieven/{catalogue['pending'].slug}/")
    assert response.status_code == 404 and "Gepubliceerd" not in response.content.decode()


def test_api_filters_match_catalogue_facets_and_search(client, catalogue, make_initiative):
    make_initiative("Stadsdorp Zuid", type_slug="stadsdorp", municipality="GM0363")
    assert [
        r["name"] for r in client.get("/api/initiatieven/?provincie=drenthe").json()["results"]
    ] == ["Zorgcoöperatie Hollandscheveld"]
    data = client.get("/api/initiatieven/?type=stadsdorp&type=voorzorgcirkel").json()
    assert data["count"] == 2
    data = client.get("/api/initiatieven/?q=cooperatie").json()
    assert [r["name"] for r in data["results"]] == ["Zorgcoöperatie Hollandscheveld"]
    data = client.get("/api/initiatieven/?activiteit=maaltijden&gemeente=amsterdam").json()
    assert data["count"] == 0


def test_api_pagination(client, make_initiative):
    for number in range(7):
        make_initiative(f"Initiatief {number}")
    first = client.get("/api/initiatieven/?page_size=3").json()
    assert first["count"] == 7 and first["num_pages"] == 3 and first["previous"] is None
    assert [r["name"] for r in first["results"]] == ["Initiatief 0", "Initiatief 1", "Initiatief 2"]
    assert "page=2" in first["next"] and "page_size=3" in first["next"]
    last = client.get("/api/initiatieven/?page_size=3&page=3").json()
    assert [r["name"] for r in last["results"]] == ["Initiatief 6"] and last["next"] is None
    hsds_page = client.get("/api/initiatieven/hsds/?page_size=3&page=3").json()
    assert hsds_page["total_items"] == 7 and hsds_page["last_page"] and hsds_page["size"] == 1
    for bad in ("page=abc", "page_size=0", "page_size=101", "page=0"):
        assert client.get("/api/initiatieven/?" + bad).status_code == 400
    assert client.get("/api/initiatieven/?page=9").status_code == 404


def test_hsds_export_validates_every_record_against_the_shipped_schemas(
    client, catalogue, make_initiative, service_validator
):
    make_initiative("Zonder Gemeente", municipality=None)
    data = client.get("/api/initiatieven/hsds/?page_size=100").json()
    assert data["total_items"] == 3 and len(data["contents"]) == 3
    for record in data["contents"]:
        errors = sorted(service_validator.iter_errors(record), key=str)
        assert not errors, [error.message for error in errors]
        for location in record["organization"]["locations"]:
            assert location["addresses"][0]["country"] == "NL"
    by_name = {record["name"]: record for record in data["contents"]}
    shown = by_name["Zorgcoöperatie Hollandscheveld"]
    address = shown["service_at_locations"][0]["location"]["addresses"][0]
    assert address["state_province"] == "Drenthe" and address["address_1"] == "Kerkstraat 2"
    taxonomies = {attr["taxonomy_term"]["taxonomy"] for attr in shown["attributes"]}
    assert taxonomies == {"zorgzaam-initiatieftype", "zorgzaam-activiteit", "zorgzaam-doelgroep"}
    assert shown["contacts"][0]["email"] == "els@example.org"
    circle = by_name["Voorzorgcirkel De Linde"]
    address = circle["service_at_locations"][0]["location"]["addresses"][0]
    # No public address: only the town and the postcode area.
    assert address["address_1"] == "" and address["postal_code"] == "1062"
    assert address["city"] == "Amsterdam" and address["state_province"] == "Noord-Holland"
    assert circle["contacts"] == [] and "email" not in circle


def test_hsds_validator_rejects_a_broken_record(service_validator):
    assert list(service_validator.iter_errors({"id": "x", "name": "n", "status": "open"}))


def test_openapi_document_describes_the_api(client):
    data = client.get("/api/openapi.json").json()
    assert data["openapi"].startswith("3.")
    assert {"/api/initiatieven/", "/api/initiatieven/hsds/"} <= set(data["paths"])
    names = {p["name"] for p in data["paths"]["/api/initiatieven/"]["get"]["parameters"]}
    assert {
        "q",
        "type",
        "provincie",
        "gemeente",
        "activiteit",
        "doelgroep",
        "page",
        "page_size",
    } <= names


@pytest.mark.parametrize("url", ["/api/initiatieven/", "/api/initiatieven/hsds/"])
def test_api_query_count_does_not_grow_with_page_size(client, make_initiative, url):
    def queries(n):
        with CaptureQueriesContext(connection) as context:
            response = client.get(f"{url}?page_size={n}")
        assert response.status_code == 200
        return len(context)

    for number in range(10):
        make_initiative(f"Klein {number:03}", activities=["ontmoeting"], target_groups=["ouderen"])
    at_10 = queries(10)
    for number in range(10, 100):
        make_initiative(f"Klein {number:03}", activities=["vervoer"], target_groups=["jongeren"])
    assert queries(100) == at_10
    assert at_10 <= 8


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _block_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def _document_validator(document: dict, component: str) -> Draft202012Validator:
    """A validator for one of the document's own components, resolving its $refs in it."""
    resource = Resource.from_contents(document, DRAFT202012)
    registry = Registry().with_resource("urn:zorgzaam:openapi", resource)
    return Draft202012Validator(
        {"$ref": f"urn:zorgzaam:openapi#/components/schemas/{component}"},
        registry=registry,
        format_checker=FormatChecker(),
    )


def test_hsds_schemas_are_the_projects_own_copy_with_their_licence():
    names = {path.name for path in HSDS.glob("*.json")}
    assert "service.json" in names
    # Every file service.json reaches is there, so nothing is looked up elsewhere.
    for path in HSDS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        for ref in _refs(schema):
            assert ref.partition("#")[0] in names | {""}, (path.name, ref)
    readme = (HSDS / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in readme and "openreferral/specification" in readme


def test_openapi_document_validates_offline_with_every_ref_inside_it(client, monkeypatch):
    document = client.get("/api/openapi.json").json()
    _block_network(monkeypatch)
    with pytest.raises(OSError):
        urllib.request.urlopen("https://raw.githubusercontent.com/openreferral/")
    openapi_spec_validator.validate(document)
    refs = set(_refs(document))
    assert "#/components/schemas/HsdsService" in refs
    schemas = document["components"]["schemas"]
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/").split("/")[0] in schemas, ref


def test_hsds_page_validates_against_the_documents_embedded_schemas(client, catalogue):
    document = client.get("/api/openapi.json").json()
    page = client.get("/api/initiatieven/hsds/?page_size=100").json()
    assert len(page["contents"]) == 2
    validator = _document_validator(document, "HsdsPage")
    errors = sorted(validator.iter_errors(page), key=str)
    assert not errors, [error.message for error in errors]
    broken = {**page, "contents": [{"id": "x", "name": "n", "status": "open"}]}
    assert list(validator.iter_errors(broken))


def test_json_answers_match_their_documented_schemas(client, catalogue):
    document = client.get("/api/openapi.json").json()
    for url, component in (
        ("/api/initiatieven/", "InitiativePage"),
        (f"/api/initiatieven/{catalogue['shown'].slug}/", "Initiative"),
        (f"/api/initiatieven/{catalogue['hidden'].slug}/", "Initiative"),
        ("/api/initiatieven/nope-niet-bestaand/", "Error"),
        ("/api/initiatieven/?page=0", "Error"),
    ):
        data = client.get(url).json()
        errors = sorted(_document_validator(document, component).iter_errors(data), key=str)
        assert not errors, (url, [error.message for error in errors])


# The schema keywords query_params enforces; a parameter that declares any other would
# promise a rule nobody checks.
ENFORCED = {
    "type",
    "maxLength",
    "pattern",
    "format",
    "enum",
    "minimum",
    "maximum",
    "items",
    "maxItems",
}
# For each pattern a parameter declares, values that break it; a new pattern brings its own.
BREAKING_PATTERN = {
    SLUG_PATTERN: ["geen slug!", "slug\n", ""],
    DATE_PATTERN: ["21-11-2025", "2025-11-21\n", "2025-1-1", "٢٠٢٥-١١-٢١", ""],
    NAME_PATTERN: ["", "   ", "Rotter\ndam", "\x01", "Rotterdam\t", "\ufffd"],
}
# Values that keep a format's shape (its pattern) but are no such thing.
BREAKING_FORMAT = {"date": ["2025-02-30", "2025-13-01", "0000-01-01"]}
# The extremes a format allows.
FORMAT_LIMITS = {"date": ["0001-01-01", "9999-12-31"]}


def _sample(schema: dict) -> str:
    """A value the schema allows."""
    if schema["type"] == "integer":
        return str(schema["minimum"])
    if "enum" in schema:
        return schema["enum"][0]
    return "a"


def _breaking(schema: dict) -> list[tuple[str, list[str]]]:
    """For each rule of a scalar schema, a value that breaks it: (rule, value)."""
    if schema["type"] == "integer":
        return [
            ("type", ["abc"]),
            ("type", ["1.5"]),
            ("type", ["١"]),  # an Arabic-Indic digit, which int() would take
            ("type", [" 1"]),
            ("type", [""]),
            ("minimum", [str(schema["minimum"] - 1)]),
            ("maximum", [str(schema["maximum"] + 1)]),
            ("maximum", ["9" * 5000]),
        ]
    broken = []
    if "maxLength" in schema:
        broken.append(("maxLength", ["a" * (schema["maxLength"] + 1)]))
    if "enum" in schema:
        broken.append(("enum", ["nope"]))
    if "pattern" in schema:
        broken += [("pattern", [value]) for value in BREAKING_PATTERN[schema["pattern"]]]
    if "format" in schema:
        broken += [("format", [value]) for value in BREAKING_FORMAT[schema["format"]]]
    return broken


def _query_parameters(document):
    for path, item in document["paths"].items():
        for parameter in item["get"].get("parameters", []):
            if parameter["in"] == "query":
                yield path, item["get"], parameter


def test_every_declared_parameter_rule_is_enforced_and_its_bounds_accepted(client, catalogue):
    """Walk the document: each declared constraint answers 400, its limit does not."""
    document = client.get("/api/openapi.json").json()
    walked = 0
    for path, operation, parameter in _query_parameters(document):
        name, schema = parameter["name"], parameter["schema"]
        assert set(schema) - {"default"} <= ENFORCED, (name, schema)
        cases = []
        if schema["type"] == "array":
            assert set(schema["items"]) <= ENFORCED, (name, schema)
            item = schema["items"]
            cases = [(rule, values) for rule, values in _breaking(item)]
            cases.append(("maxItems", [_sample(item)] * (schema["maxItems"] + 1)))
            limits = [[_sample(item)] * schema["maxItems"]]
            if "maxLength" in item:
                limits.append(["a" * item["maxLength"]])
            limits += [[value] for value in item.get("enum", [])]
        else:
            if schema["type"] == "integer":
                assert {"minimum", "maximum"} <= set(schema), name
                limits = [[str(schema["minimum"])], [str(schema["maximum"])]]
            else:
                limits = [[value] for value in schema.get("enum", [])]
                if "maxLength" in schema:
                    limits.append(["é" * schema["maxLength"]])  # characters, not bytes
                limits += [[value] for value in FORMAT_LIMITS.get(schema.get("format"), [])]
            cases = _breaking(schema) + [("repeated", [_sample(schema)] * 2)]
        for rule, values in cases:
            response = client.get(path, {name: values})
            assert response.status_code == 400, (path, name, rule, values[:2])
            assert name in response.json()["error"]
            assert "400" in operation["responses"]
            walked += 1
        for values in limits:
            response = client.get(path, {name: values})
            # The last page allowed is past these few results: 404, not 400.
            assert response.status_code in (200, 404), (path, name, values[:2])
            assert str(response.status_code) in operation["responses"]
    assert walked > 40


def test_the_probes_findings_answer_as_documented(client, catalogue):
    document = client.get("/api/openapi.json").json()
    parameters = {
        p["name"]: p["schema"] for p in document["paths"]["/api/initiatieven/"]["get"]["parameters"]
    }
    assert parameters["q"]["maxLength"] == 200
    assert parameters["page"]["maximum"] == 10**6
    too_long = client.get("/api/initiatieven/", {"q": "zorg" * 50 + "x"})
    assert too_long.status_code == 400 and "q" in too_long.json()["error"]
    assert client.get("/api/initiatieven/", {"q": "é" * 200}).status_code == 200
    assert client.get("/api/initiatieven/?page=1000001").status_code == 400
    slug = document["paths"]["/api/initiatieven/{slug}/"]["get"]["parameters"][0]["schema"]
    assert slug["pattern"] == "^[-a-zA-Z0-9_]+$" and slug["maxLength"] == 200
    for path in (
        "/api/initiatieven/geen%20slug/",
        "/api/initiatieven/%FF/",
        "/api/initiatieven/%ED%A0%80/",
        "/api/initiatieven/" + "a" * 201 + "/",
        "/api/initiatieven/a/b/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
        assert "error" in response.json()


@pytest.mark.parametrize("path", ["/api/nope/", "/api/", "/api/initiatieven/x/y/z"])
def test_unknown_api_urls_are_json_404s_and_other_urls_the_friendly_page(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "openapi.json" in response.json()["error"]
    page = client.get("/nergens-te-vinden/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert "404.html" in [template.name for template in page.templates]


@pytest.mark.parametrize("url", API_URLS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_are_json_405s_without_a_csrf_page(catalogue, url, method):
    response = getattr(Client(enforce_csrf_checks=True), method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "not allowed" in response.json()["error"]


@pytest.mark.parametrize(
    ("exception", "status", "template"),
    [
        (SuspiciousOperation("bad"), 400, "400.html"),
        (PermissionDenied(), 403, "403.html"),
        (Http404(), 404, "404.html"),
        (RuntimeError("bug"), 500, "500.html"),
    ],
)
def test_errors_are_json_under_api_and_friendly_pages_elsewhere(
    catalogue, monkeypatch, exception, status, template
):
    def fail(slug):
        raise exception

    monkeypatch.setattr(selectors, "initiative_public", fail)
    client = Client(raise_request_exception=False)
    slug = catalogue["shown"].slug
    response = client.get(f"/api/initiatieven/{slug}/")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"error"}
    page = client.get(f"/initiatieven/{slug}/")
    assert page.status_code == status and page["Content-Type"].startswith("text/html")
    assert template in [t.name for t in page.templates]


def test_a_query_with_too_many_fields_is_a_json_400(client, db):
    query = "&".join(f"type=t{number}" for number in range(1001))
    response = client.get("/api/initiatieven/?" + query)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert isinstance(response.json()["error"], str)
    page = client.get("/initiatieven/?" + query)
    assert page.status_code == 400 and "400.html" in [t.name for t in page.templates]


@pytest.mark.parametrize("url", API_URLS[1:])
def test_a_database_that_is_down_or_too_slow_is_a_json_503(catalogue, url):
    def unavailable(execute, sql, params, many, context):
        raise OperationalError("canceling statement due to statement timeout")

    with connection.execute_wrapper(unavailable):
        response = Client().get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "database" in response.json()["error"]


@pytest.mark.parametrize("url", API_URLS[1:])
def test_any_other_database_error_is_a_json_500(catalogue, url):
    def broken(execute, sql, params, many, context):
        raise ProgrammingError("relation does not exist")

    with connection.execute_wrapper(broken):
        response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 500
    assert response.json() == {"error": "server error"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real statement timeout")
def test_a_real_postgresql_statement_timeout_is_a_json_503(catalogue):
    def slow(execute, sql, params, many, context):
        execute("SELECT pg_sleep(0.2)", None, False, context)
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 20")  # ms; undone with the test's rollback
    with connection.execute_wrapper(slow):
        response = Client().get("/api/initiatieven/")
    assert response.status_code == 503 and "database" in response.json()["error"]
