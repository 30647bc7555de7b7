"""The events API: what it lists, its filters and paging, and that it answers as documented."""

import json
from datetime import datetime, time, timedelta

import openapi_spec_validator
import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from events.models import Event, Series
from events.services import event_cancel, registration_create

LIST = "/api/evenementen/"
LIST_PATH, DETAIL_PATH = "/api/evenementen/", "/api/evenementen/{slug}/"
# Keys that would say something about the people who signed up, or reach them.
PERSONAL_KEYS = {
    "email",
    "contact_email",
    "phone",
    "attendees",
    "registrations",
    "confirmed",
    "waiting",
    "waitlist",
    "checked_in",
    "party_size",
    "capacity",
    "ticket_code",
    "management_token",
    "needs",
    "topic",
    "organisers",
}


def _day(days_ahead: int):
    return timezone.localdate() + timedelta(days=days_ahead)


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [record["slug"] for record in response.json()["results"]]


def _keys(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


@pytest.fixture
def series(organisation):
    return Series.objects.create(
        organisation=organisation, title="Bezoeken zorgzame buurten", slug="bezoeken"
    )


@pytest.fixture
def meetings(make_event, make_organisation, series):
    """Upcoming, cancelled, draft, past and ongoing meetings of two organisations."""
    now = timezone.now().replace(microsecond=0)
    other = make_organisation("Zorgvrijstaat", slug="zorgvrijstaat")
    made = {
        "visit": make_event(
            slug="bezoek-kampen",
            title="Bezoek aan Het 8ste Werk",
            series=series,
            venue_city="Kampen",
            latitude="52.555000",
            longitude="5.911000",
            capacity=30,
            languages="nl, en",
            contact_email="organisator@example.org",
            starts_at=now + timedelta(days=3),
            ends_at=now + timedelta(days=3, hours=2),
        ),
        "meetup": make_event(
            slug="meetup-zorgvrijstaat",
            organisation=other,
            venue_name="Het Wijkpaleis",
            venue_city="Rotterdam",
            capacity=1,
            starts_at=now + timedelta(days=5),
            ends_at=now + timedelta(days=5, hours=3),
        ),
        "cancelled": make_event(
            slug="afgelast",
            starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=2),
        ),
        "draft": make_event(slug="concept", status=Event.Status.DRAFT),
        "past": make_event(
            slug="voorbij", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)
        ),
        "ongoing": make_event(
            slug="bezig", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
        ),
    }
    event_cancel(event=made["cancelled"])
    registration_create(
        event=made["meetup"], name="Ans de Vries", email="ans@example.org", phone="0612345678"
    )
    registration_create(event=made["visit"], name="Bert Bos", email="bert@example.org")
    return made


# What is listed -------------------------------------------------------------------------


def test_lists_public_meetings_still_to_come_soonest_first_with_cancelled_ones(client, meetings):
    response = client.get(LIST)
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert _slugs(response) == ["bezig", "bezoek-kampen", "meetup-zorgvrijstaat", "afgelast"]
    by_slug = {record["slug"]: record for record in response.json()["results"]}
    assert by_slug["afgelast"]["status"] == "cancelled"
    assert by_slug["afgelast"]["registration"] == "cancelled"
    assert by_slug["afgelast"]["places_left"] is None
    assert by_slug["bezig"]["status"] == "published"


def test_drafts_never_appear_neither_listed_nor_in_detail(client, meetings, make_event):
    make_event(slug="nog-een-concept", title="Geheim concept", status=Event.Status.DRAFT)
    for url in (LIST, LIST + "?page_size=100", LIST + "?organisation=buurtnetwerk"):
        text = client.get(url).content.decode()
        assert "concept" not in text and "Geheim" not in text, url
    for slug in ("concept", "nog-een-concept"):
        response = client.get(f"/api/evenementen/{slug}/")
        assert response.status_code == 404
        assert response.json() == {"error": "not found"}


def test_a_meeting_is_all_its_public_facts(client, meetings, settings):
    visit = meetings["visit"]
    record = client.get(f"/api/evenementen/{visit.slug}/").json()
    local = timezone.localtime
    site = settings.SITE_URL
    assert record == {
        "slug": "bezoek-kampen",
        "title": "Bezoek aan Het 8ste Werk",
        "summary": visit.summary,
        "description": "",
        "url": f"{site}/evenementen/bezoek-kampen/",
        "status": "published",
        "organisation": {
            "slug": "buurtnetwerk",
            "name": "Buurtnetwerk Ergens",
            "url": f"{site}/organisaties/buurtnetwerk/",
        },
        "series": {
            "slug": "bezoeken",
            "title": "Bezoeken zorgzame buurten",
            "url": f"{site}/reeksen/bezoeken/",
        },
        "venue": {
            "name": "Buurthuis",
            "street": "Dorpsstraat 1",
            "postcode": "1234 AB",
            "city": "Kampen",
            "latitude": 52.555,
            "longitude": 5.911,
            "accessibility": "",
        },
        "starts_at": local(visit.starts_at).isoformat(),
        "ends_at": local(visit.ends_at).isoformat(),
        "places_left": 29,
        "registration": "open",
        "registration_opens_at": None,
        "registration_closes_at": local(visit.ends_at).isoformat(),
        "signup_url": f"{site}/evenementen/bezoek-kampen/#aanmelden",
        "ical_url": f"{site}/evenementen/bezoek-kampen/agenda.ics",
        "languages": ["nl", "en"],
        "free_entry": True,
        "updated_at": local(Event.objects.get(pk=visit.pk).updated_at).isoformat(),
    }
    # Dutch time, with its offset: what the clock says at the venue.
    assert datetime.fromisoformat(record["starts_at"]) == visit.starts_at
    assert record["starts_at"].endswith(("+01:00", "+02:00"))
    meetup = client.get("/api/evenementen/meetup-zorgvrijstaat/").json()
    assert meetup["series"] is None
    assert meetup["venue"]["latitude"] is None and meetup["venue"]["longitude"] is None
    assert meetup["languages"] == ["nl"]


def test_places_left_is_a_number_full_or_null(client, make_event):
    limited = make_event(slug="beperkt", capacity=3)
    full = make_event(slug="vol", capacity=2)
    unlimited = make_event(slug="onbeperkt", capacity=None)
    registration_create(event=limited, name="Ans", email="ans@example.org", party_size=2)
    registration_create(event=full, name="Ans", email="ans@example.org", party_size=2)
    registration_create(event=full, name="Bert", email="bert@example.org")  # waiting list
    registration_create(event=unlimited, name="Ans", email="ans@example.org")
    places = {r["slug"]: r["places_left"] for r in client.get(LIST).json()["results"]}
    assert places == {"beperkt": 1, "vol": "full", "onbeperkt": None}
    assert client.get("/api/evenementen/vol/").json()["places_left"] == "full"


def test_registration_state_follows_the_meeting(client, make_event):
    now = timezone.now()
    make_event(slug="open")
    make_event(slug="nog-niet", registration_opens_at=now + timedelta(days=1))
    make_event(slug="gesloten", registration_closes_at=now - timedelta(hours=1))
    states = {r["slug"]: r for r in client.get(LIST).json()["results"]}
    assert {slug: r["registration"] for slug, r in states.items()} == {
        "open": "open",
        "nog-niet": "not_yet",
        "gesloten": "closed",
    }
    opens = datetime.fromisoformat(states["nog-niet"]["registration_opens_at"])
    assert abs(opens - (now + timedelta(days=1))) < timedelta(seconds=1)


def test_detail_answers_for_a_meeting_that_ended_or_was_cancelled(client, meetings):
    past = client.get("/api/evenementen/voorbij/").json()
    assert past["registration"] == "closed" and past["status"] == "published"
    assert client.get("/api/evenementen/afgelast/").json()["status"] == "cancelled"
    for path in ("/api/evenementen/niet-bestaand/", "/api/evenementen/" + "a" * 101 + "/"):
        response = client.get(path)
        assert response.status_code == 404 and "error" in response.json()


def test_no_personal_data_anywhere(client, meetings):
    for url in (
        LIST + "?page_size=100",
        "/api/evenementen/bezoek-kampen/",
        "/api/evenementen/meetup-zorgvrijstaat/",
    ):
        response = client.get(url)
        assert not set(_keys(response.json())) & PERSONAL_KEYS, url
        text = response.content.decode()
        for secret in (
            "Ans de Vries",
            "ans@example.org",
            "0612345678",
            "Bert Bos",
            "bert@example.org",
            "organisator@example.org",
        ):
            assert secret not in text, (url, secret)


# Filters --------------------------------------------------------------------------------


def test_filter_by_organisation(client, meetings):
    assert _slugs(client.get(LIST + "?organisation=zorgvrijstaat")) == ["meetup-zorgvrijstaat"]
    assert _slugs(client.get(LIST + "?organisation=zorgvrijstaat&organisation=buurtnetwerk")) == (
        _slugs(client.get(LIST))
    )
    assert _slugs(client.get(LIST + "?organisation=niemand")) == []


def test_filter_by_series(client, meetings, make_event, series):
    make_event(
        slug="andere-reeks",
        series=Series.objects.create(
            organisation=series.organisation, title="Jaarlijks", slug="jaarlijks"
        ),
    )
    assert _slugs(client.get(LIST + "?series=bezoeken")) == ["bezoek-kampen"]
    assert _slugs(client.get(LIST + "?series=bezoeken&series=jaarlijks")) == [
        "bezoek-kampen",
        "andere-reeks",
    ]
    # Filters combine with AND.
    assert _slugs(client.get(LIST + "?series=bezoeken&organisation=zorgvrijstaat")) == []


def test_filter_by_municipality_ignores_letter_case(client, meetings, make_event):
    make_event(slug="fryslan", venue_city="Súdwest-Fryslân")
    for value in ("Rotterdam", "rotterdam", "ROTTERDAM"):
        assert _slugs(client.get(LIST, {"municipality": value})) == ["meetup-zorgvrijstaat"]
    assert _slugs(client.get(LIST, {"municipality": ["kampen", "Rotterdam"]})) == [
        "bezoek-kampen",
        "meetup-zorgvrijstaat",
    ]
    assert _slugs(client.get(LIST, {"municipality": "Súdwest-Fryslân"})) == ["fryslan"]
    assert _slugs(client.get(LIST, {"municipality": "Rotter"})) == []  # the whole name


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite ignores the case of ASCII letters only"
)
def test_filter_by_municipality_ignores_the_case_of_accented_letters_on_postgresql(
    client, make_event
):
    make_event(slug="fryslan", venue_city="Súdwest-Fryslân")
    assert _slugs(client.get(LIST, {"municipality": "SÚDWEST-FRYSLÂN"})) == ["fryslan"]


def test_filter_by_days_in_dutch_time(client, make_event):
    day = _day(30)
    make_event(slug="laat", starts_at=_at(day, 23, 30), ends_at=_at(day, 23, 50))
    make_event(slug="nacht", starts_at=_at(day, 23, 30), ends_at=_at(_day(31), 1, 0))
    make_event(slug="later", starts_at=_at(_day(40), 10), ends_at=_at(_day(40), 12))
    iso = lambda d: d.isoformat()  # noqa: E731
    assert _slugs(client.get(LIST, {"to": iso(day)})) == ["laat", "nacht"]
    assert _slugs(client.get(LIST, {"to": iso(_day(29))})) == []
    # A meeting through midnight is on both days.
    assert _slugs(client.get(LIST, {"from": iso(_day(31))})) == ["nacht", "later"]
    assert _slugs(client.get(LIST, {"from": iso(day), "to": iso(day)})) == ["laat", "nacht"]
    assert _slugs(client.get(LIST, {"from": iso(_day(32)), "to": iso(_day(40))})) == ["later"]
    # The past adds nothing, and the ends of the calendar are no error.
    everything = ["laat", "nacht", "later"]
    assert _slugs(client.get(LIST, {"from": "2001-01-01"})) == everything
    assert _slugs(client.get(LIST, {"from": "0001-01-01", "to": "9999-12-31"})) == everything
    assert _slugs(client.get(LIST, {"to": "0001-01-01"})) == []
    assert _slugs(client.get(LIST, {"from": "9999-12-31"})) == []


# Bad input ------------------------------------------------------------------------------

HOSTILE_QUERIES = [
    ("organisation=" + "a" * 101, "organisation"),
    ("organisation=geen%20slug", "organisation"),
    ("organisation=" + "&organisation=".join(["a"] * 51), "organisation"),
    ("series=%C3%A9", "series"),
    ("municipality=" + "a" * 101, "municipality"),
    ("municipality=", "municipality"),
    ("municipality=%20%20", "municipality"),
    ("municipality=Rotter%0Adam", "municipality"),
    ("municipality=%01", "municipality"),
    ("from=2025-02-30", "from"),
    ("from=21-11-2025", "from"),
    ("from=2025-1-1", "from"),
    ("from=2025-11-21T10:00", "from"),
    ("from=%D9%A2%D9%A0%D9%A2%D9%A5-01-01", "from"),  # Arabic-Indic digits
    ("from=2025-11-21&from=2025-11-22", "from"),
    ("to=", "to"),
    ("to=null", "to"),
    ("to=" + "9" * 5000, "to"),
    ("from=2030-01-02&to=2030-01-01", "from"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("page=1.5", "page"),
    ("page=" + "9" * 5000, "page"),
    ("page_size=101", "page_size"),
    ("page_size=-1", "page_size"),
    ("page_size=[]", "page_size"),
]


@pytest.mark.parametrize(("query", "name"), HOSTILE_QUERIES)
def test_bad_filter_values_are_json_400s_that_name_the_parameter(client, meetings, query, name):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert name in response.json()["error"]


@pytest.mark.parametrize(
    "query",
    ["organisation=%FF", "municipality=%ED%A0%80", "municipality=%FF", "from=%00", "series=%C0%AF"],
)
def test_input_that_is_not_text_is_a_json_400(client, db, query):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert isinstance(response.json()["error"], str)


@pytest.mark.parametrize("path", ["%FF", "%ED%A0%80", "geen%20slug", "a/b", "%00"])
def test_a_detail_path_that_is_no_slug_is_json_never_500(client, db, path):
    response = client.get(f"/api/evenementen/{path}/")
    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()


@pytest.mark.parametrize("url", [LIST, "/api/evenementen/bezoek-kampen/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_are_json_405s(meetings, url, method):
    response = getattr(Client(enforce_csrf_checks=True), method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_head_answers_like_get(client, meetings):
    response = client.head(LIST)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


# Paging and queries ---------------------------------------------------------------------


def test_pages_like_the_initiatives_api(client, make_event):
    now = timezone.now()
    for number in range(7):
        make_event(slug=f"m-{number}", starts_at=now + timedelta(days=1, hours=number))
    first = client.get(LIST + "?page_size=3&municipality=ergens").json()
    assert set(first) == set(client.get("/api/initiatieven/").json())
    assert first["count"] == 7 and first["num_pages"] == 3 and first["page_size"] == 3
    assert first["page"] == 1 and first["previous"] is None
    assert [r["slug"] for r in first["results"]] == ["m-0", "m-1", "m-2"]
    assert first["next"].startswith("http://testserver/api/evenementen/?")
    assert "page=2" in first["next"] and "municipality=ergens" in first["next"]
    second = client.get(first["next"].removeprefix("http://testserver")).json()
    assert [r["slug"] for r in second["results"]] == ["m-3", "m-4", "m-5"]
    assert "page=1" in second["previous"]
    last = client.get(LIST + "?page_size=3&page=3").json()
    assert [r["slug"] for r in last["results"]] == ["m-6"] and last["next"] is None
    assert client.get(LIST + "?page=4&page_size=3").status_code == 404
    assert client.get(LIST).json()["page_size"] == 20
    empty = client.get(LIST + "?organisation=niemand").json()
    assert empty["count"] == 0 and empty["results"] == [] and empty["num_pages"] == 1


def test_same_start_keeps_one_order_across_pages(client, make_event):
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    for number in range(6):
        make_event(slug=f"tegelijk-{number}", starts_at=start)
    seen = []
    for page in (1, 2, 3):
        seen += _slugs(client.get(LIST, {"page_size": 2, "page": page}))
    assert sorted(seen) == [f"tegelijk-{n}" for n in range(6)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_query_count_does_not_grow_with_the_meetings(client, make_event, make_organisation):
    def add(count: int):
        for _ in range(count):
            number = Event.objects.count()
            organisation = make_organisation(f"Organisatie {number}")
            series = Series.objects.create(
                organisation=organisation, title=f"Reeks {number}", slug=f"reeks-{number}"
            )
            event = make_event(
                slug=f"veel-{number}", organisation=organisation, series=series, capacity=5
            )
            registration_create(event=event, name="Ans", email=f"ans{number}@example.org")

    add(3)
    few = _queries(client, LIST + "?page_size=100")
    filtered = _queries(client, LIST + "?page_size=100&municipality=Ergens&from=2000-01-01")
    detail = _queries(client, "/api/evenementen/veel-0/")
    add(40)
    assert _queries(client, LIST + "?page_size=100") == few
    assert _queries(client, LIST + "?page_size=100&municipality=Ergens&from=2000-01-01") == filtered
    assert few <= 2  # the count, and the page with organisation, series and places
    assert detail == 1


# The document ---------------------------------------------------------------------------


@pytest.fixture
def document(client, db):
    return client.get("/api/openapi.json").json()


def _closed(schema):
    """The schema, with no property allowed that it does not name: undocumented keys fail."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed(value) for key, value in schema.items()}
    if "properties" in schema:
        closed.setdefault("additionalProperties", False)
    return closed


def _validator(document: dict, response: dict) -> Draft202012Validator:
    """A validator for one documented response, its $refs resolved in the document."""
    strict = _closed(document)
    registry = Registry().with_resource(
        "urn:zorgzaam:openapi", Resource.from_contents(strict, DRAFT202012)
    )
    ref = response["content"]["application/json"]["schema"]["$ref"]
    return Draft202012Validator(
        {"$ref": "urn:zorgzaam:openapi" + ref}, registry=registry, format_checker=FormatChecker()
    )


def test_the_document_validates_and_describes_the_events_api(document):
    openapi_spec_validator.validate(document)
    assert {LIST_PATH, DETAIL_PATH} <= set(document["paths"])
    names = [p["name"] for p in document["paths"][LIST_PATH]["get"]["parameters"]]
    assert names == ["organisation", "series", "municipality", "from", "to", "page", "page_size"]
    initiatives = document["paths"]["/api/initiatieven/"]["get"]["parameters"]
    page_parameters = [p for p in initiatives if p["name"] in ("page", "page_size")]
    assert [p for p in document["paths"][LIST_PATH]["get"]["parameters"][-2:]] == page_parameters
    assert "Meetings" in document["info"]["description"]


def test_every_documented_answer_matches_its_schema(client, meetings, document):
    """Each documented status of both operations is provoked, and checked against its schema."""

    def unavailable(execute, sql, params, many, context):
        raise OperationalError("database is locked")

    calls = {
        LIST_PATH: {
            "200": [LIST, LIST + "?page_size=1&page=2", LIST + "?organisation=niemand"],
            "400": [LIST + "?page=0", LIST + "?from=morgen", LIST + "?from=%00"],
            "404": [LIST + "?page=99"],
            "503": [LIST],
        },
        DETAIL_PATH: {
            "200": [f"/api/evenementen/{slug}/" for slug in ("bezoek-kampen", "afgelast")]
            + ["/api/evenementen/meetup-zorgvrijstaat/", "/api/evenementen/voorbij/"],
            "400": ["/api/evenementen/%00/"],
            "404": ["/api/evenementen/concept/", "/api/evenementen/%FF/"],
            "503": ["/api/evenementen/bezoek-kampen/"],
        },
    }
    checked = 0
    for path, by_status in calls.items():
        responses = document["paths"][path]["get"]["responses"]
        assert set(by_status) == set(responses), path  # every documented answer, no other
        for status, urls in by_status.items():
            validator = _validator(document, responses[status])
            for url in urls:
                if status == "503":
                    with connection.execute_wrapper(unavailable):
                        response = client.get(url)
                else:
                    response = client.get(url)
                assert response.status_code == int(status), url
                body = json.loads(response.content)
                errors = [e.message for e in validator.iter_errors(body)]
                assert not errors, (url, errors[:3])
                checked += 1
    assert checked == 16


def test_the_schema_refuses_what_the_code_must_not_send(client, meetings, document):
    """The schema test above is not vacuous: a wrong or undocumented field fails it."""
    response = document["paths"][DETAIL_PATH]["get"]["responses"]["200"]
    validator = _validator(document, response)
    record = client.get("/api/evenementen/bezoek-kampen/").json()
    assert validator.is_valid(record)
    for broken in (
        {**record, "places_left": 0},
        {**record, "places_left": "vol"},
        {**record, "registration": "draft"},
        {**record, "starts_at": "morgen"},
        {**record, "contact_email": "organisator@example.org"},
        {**record, "venue": {**record["venue"], "capacity": 30}},
        {key: value for key, value in record.items() if key != "ical_url"},
    ):
        assert not validator.is_valid(broken)
