import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from initiatives.models import Initiative

HSDS = Path(__file__).resolve().parents[3] / "shared" / "hsds-3.0"


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
