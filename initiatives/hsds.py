"""Published initiatives as HSDS 3.0 (Open Referral) records.

Each initiative is one service with its organization nested, one location (with the
province in `state_province`) and taxonomy terms for its type, activities and target
groups. Identifiers are UUIDs derived from our primary keys and slugs, so they stay the
same between exports. Contact details appear only with the initiative's consent; care
circles and initiatives that do not show their address get a location with only the town
and the postcode area.
"""

import functools
import json
import uuid
from pathlib import Path

from django.conf import settings

from .models import Initiative

# The project's own copy of the HSDS 3.0 schemas (source and licence in its README.md).
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "hsds-3.0"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://zorgzaam.nl/hsds/3.0")
TAXONOMIES = {
    # attribute name on Initiative → (taxonomy name, description)
    "initiative_type": ("zorgzaam-initiatieftype", "Soort zorgzaam initiatief"),
    "activities": ("zorgzaam-activiteit", "Activiteiten van zorgzame initiatieven"),
    "target_groups": ("zorgzaam-doelgroep", "Doelgroepen van zorgzame initiatieven"),
}
STATUS = {
    Initiative.Status.ACTIVE: "active",
    Initiative.Status.STARTING: "inactive",
    Initiative.Status.STOPPED: "defunct",
}


def hsds_id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def _taxonomy(field: str) -> dict:
    name, description = TAXONOMIES[field]
    return {"id": hsds_id("taxonomy", name), "name": name, "description": description}


def _term(field: str, term) -> dict:
    taxonomy = _taxonomy(field)
    return {
        "id": hsds_id("term", field, term.slug),
        "code": term.slug,
        "name": term.name,
        "description": term.synonyms or term.name,
        "taxonomy": taxonomy["name"],
        "taxonomy_id": taxonomy["id"],
        "taxonomy_detail": taxonomy,
        "language": "nl",
    }


def _attributes(initiative: Initiative, service_id: str) -> list[dict]:
    terms = []
    if initiative.initiative_type_id:
        terms.append(("initiative_type", initiative.initiative_type))
    terms += [("activities", term) for term in initiative.activities.all()]
    terms += [("target_groups", term) for term in initiative.target_groups.all()]
    attributes = []
    for field, term in terms:
        taxonomy_term = _term(field, term)
        attributes.append(
            {
                "id": hsds_id("attribute", initiative.pk, field, term.slug),
                "link_id": service_id,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": taxonomy_term["id"],
                "taxonomy_term": taxonomy_term,
                "value": term.name,
            }
        )
    return attributes


def _location(initiative: Initiative, organization_id: str) -> dict:
    location_id = hsds_id("location", initiative.pk)
    municipality = initiative.municipality
    city = initiative.place or (municipality.name if municipality else "")
    address = {
        "id": hsds_id("address", initiative.pk),
        "location_id": location_id,
        # Empty unless the initiative lets us show its street address (never for care
        # circles): then the location is only the town and the postcode area.
        "address_1": initiative.public_address,
        "city": city,
        "region": municipality.name if municipality else "",
        "state_province": municipality.province.name if municipality else "",
        "postal_code": initiative.postcode_area,
        "country": "NL",
        "address_type": "physical",
    }
    location = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": organization_id,
        "name": initiative.location_line or initiative.name,
        "addresses": [address],
    }
    if initiative.latitude is not None and initiative.longitude is not None:
        # Care circles only at about a kilometre (two decimals), as on the map.
        precision = 2 if initiative.is_care_circle else 4
        location["latitude"] = round(float(initiative.latitude), precision)
        location["longitude"] = round(float(initiative.longitude), precision)
    if municipality:
        location["external_identifier"] = municipality.code
        location["external_identifier_type"] = "CBS gemeentecode"
    return location


def _contacts(initiative: Initiative, service_id: str) -> list[dict]:
    if not initiative.contact_consent:
        return []
    if not (initiative.contact_name or initiative.contact_email or initiative.contact_phone):
        return []
    contact_id = hsds_id("contact", initiative.pk)
    contact = {"id": contact_id, "service_id": service_id}
    if initiative.contact_name:
        contact["name"] = initiative.contact_name
    if initiative.contact_email:
        contact["email"] = initiative.contact_email
    if initiative.contact_phone:
        contact["phones"] = [
            {
                "id": hsds_id("phone", initiative.pk),
                "contact_id": contact_id,
                "number": initiative.contact_phone,
            }
        ]
    return [contact]


def service_record(initiative: Initiative) -> dict:
    """One initiative as an HSDS 3.0 service, fully nested."""
    organization_id = hsds_id("organization", initiative.pk)
    service_id = hsds_id("service", initiative.pk)
    page_url = settings.SITE_URL + initiative.get_absolute_url()
    description = initiative.description or initiative.summary or initiative.name
    consent = initiative.contact_consent
    organization = {
        "id": organization_id,
        "name": initiative.name,
        "description": description,
        "uri": page_url,
    }
    if initiative.website:
        organization["website"] = initiative.website
    if consent and initiative.contact_email:
        organization["email"] = initiative.contact_email
    if initiative.founded_year:
        organization["year_incorporated"] = initiative.founded_year
    if initiative.legal_form:
        organization["legal_status"] = initiative.get_legal_form_display()
    location = _location(initiative, organization_id)
    organization["locations"] = [location]
    service = {
        "id": service_id,
        "organization_id": organization_id,
        "name": initiative.name,
        "description": description,
        "url": initiative.website or page_url,
        "status": STATUS.get(initiative.status, "active"),
        "last_modified": initiative.updated_at.isoformat(),
        "organization": organization,
        "service_at_locations": [
            {
                "id": hsds_id("service_at_location", initiative.pk),
                "service_id": service_id,
                "location_id": location["id"],
                "location": location,
            }
        ],
        "attributes": _attributes(initiative, service_id),
        "contacts": _contacts(initiative, service_id),
        "languages": [
            {"id": hsds_id("language", initiative.pk), "name": "Nederlands", "code": "nl"}
        ],
    }
    if consent and initiative.contact_email:
        service["email"] = initiative.contact_email
    if initiative.summary:
        service["alternate_name"] = initiative.summary[:200]
    if initiative.last_verified_on:
        service["assured_date"] = initiative.last_verified_on.isoformat()
    if initiative.area_served or initiative.municipality_id:
        service["service_areas"] = [
            {
                "id": hsds_id("service_area", initiative.pk),
                "service_id": service_id,
                "name": initiative.area_served or initiative.municipality.name,
                "extent_type": "gemeente",
                "extent": initiative.municipality.code if initiative.municipality_id else "",
            }
        ]
    if initiative.membership_fee:
        service["fees_description"] = initiative.membership_fee
    return service


def component_name(filename: str) -> str:
    """The component name of a schema file: service_at_location.json → HsdsServiceAtLocation."""
    return "Hsds" + "".join(part.capitalize() for part in Path(filename).stem.split("_"))


def _component_refs(node, component: str):
    """A copy of node whose $refs point at the embedded components instead of sibling files."""
    if isinstance(node, list):
        return [_component_refs(item, component) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            filename, _, pointer = value.partition("#")
            target = component_name(filename) if filename else component
            copy[key] = f"#/components/schemas/{target}{pointer}"
        else:
            copy[key] = _component_refs(value, component)
    return copy


@functools.cache
def openapi_schemas() -> dict[str, dict]:
    """Every HSDS schema file as an OpenAPI component, so the document needs no network.

    Shared between requests: callers must not change what it returns.
    """
    schemas = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        name = component_name(path.name)
        schemas[name] = _component_refs(json.loads(path.read_text(encoding="utf-8")), name)
    return schemas
