import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import selectors
from initiatives.models import Initiative
from initiatives.selectors import CatalogueQuery


def names(query: CatalogueQuery) -> list[str]:
    return [i.name for i in selectors.catalogue(query).results]


@pytest.fixture
def catalogue(make_initiative):
    return {
        "coop": make_initiative(
            "Zorgcoöperatie Hollandscheveld", type_slug="zorgcooperatie", municipality="GM0118"
        ),
        "plain": make_initiative(
            "Cooperatie Ons Dorp", type_slug="dorps-buurtcooperatie", municipality="GM0106"
        ),
        "naober": make_initiative("Naoberzorg Eext", type_slug="naoberzorg", municipality="GM1680"),
        "circle": make_initiative(
            "Voorzorgcirkel De Linde", type_slug="voorzorgcirkel", municipality="GM0344"
        ),
        "other": make_initiative(
            "Buurtkamer West",
            municipality="GM0599",
            description="Samen eten met een coöperatieve keuken.",
        ),
    }


def test_search_ignores_accents_both_ways(catalogue):
    found = names(CatalogueQuery(q="cooperatie"))
    assert "Zorgcoöperatie Hollandscheveld" in found and "Cooperatie Ons Dorp" in found
    found = names(CatalogueQuery(q="COÖPERATIE"))
    assert "Zorgcoöperatie Hollandscheveld" in found and "Cooperatie Ons Dorp" in found
    assert "Naoberzorg Eext" not in found


def test_search_knows_both_naoberzorg_spellings(catalogue, make_initiative):
    make_initiative("Noaberzorg Tubbergen", type_slug="naoberzorg", municipality="GM0183")
    for query in ("noaberzorg", "naoberzorg"):
        found = names(CatalogueQuery(q=query))
        assert {"Naoberzorg Eext", "Noaberzorg Tubbergen"} <= set(found), query


def test_search_finds_parts_of_compound_words(catalogue):
    assert names(CatalogueQuery(q="cirkel")) == ["Voorzorgcirkel De Linde"]
    assert "Zorgcoöperatie Hollandscheveld" in names(CatalogueQuery(q="coöperatie"))


def test_search_matches_place_municipality_and_all_words(catalogue):
    assert names(CatalogueQuery(q="hoogeveen")) == ["Zorgcoöperatie Hollandscheveld"]
    assert names(CatalogueQuery(q="drenthe cooperatie")) == [
        "Cooperatie Ons Dorp",
        "Zorgcoöperatie Hollandscheveld",
    ]
    assert names(CatalogueQuery(q="zz")) == []


def test_name_matches_rank_before_description_matches(catalogue):
    found = names(CatalogueQuery(q="cooperatie"))
    assert found[-1] == "Buurtkamer West"  # only in its description


def test_unpublished_entries_never_count(catalogue, make_initiative):
    for state in ("pending", "rejected", "archived"):
        make_initiative(
            f"Zorgcoöperatie Verborgen {state}",
            type_slug="zorgcooperatie",
            municipality="GM0118",
            publication=state,
        )
    result = selectors.catalogue(CatalogueQuery(q="verborgen"))
    assert list(result.results) == []
    result = selectors.catalogue(CatalogueQuery(q="cooperatie"))
    type_counts = {o.value: o.count for o in result.facets[0].options}
    assert type_counts["zorgcooperatie"] == 1
    assert "Verborgen" not in str(selectors.map_points(result.results))


def test_facet_counts_or_within_and_across_facets(make_initiative):
    make_initiative(
        "A", type_slug="zorgcooperatie", municipality="GM0118", activities=["vervoer", "klussen"]
    )
    make_initiative("B", type_slug="zorgcooperatie", municipality="GM0363", activities=["vervoer"])
    make_initiative("C", type_slug="voorzorgcirkel", municipality="GM0118", activities=["klussen"])
    make_initiative("D", type_slug="naoberzorg", municipality="GM0118", activities=["maaltijden"])

    query = CatalogueQuery(
        filters={"type": ["zorgcooperatie", "voorzorgcirkel"], "provincie": ["drenthe"]}
    )
    result = selectors.catalogue(query)
    assert sorted(i.name for i in result.results) == ["A", "C"]
    facets = {facet.param: {o.value: o.count for o in facet.options} for facet in result.facets}
    # Type counts ignore the type filter itself but respect the province filter.
    assert facets["type"] == {"zorgcooperatie": 1, "voorzorgcirkel": 1, "naoberzorg": 1}
    # Province counts respect the type filter only.
    assert facets["provincie"] == {"drenthe": 2, "noord-holland": 1}
    # A with two activities is one result; counts are per activity.
    assert facets["activiteit"] == {"vervoer": 1, "klussen": 2}

    query = CatalogueQuery(filters={"activiteit": ["vervoer", "maaltijden"]})
    assert sorted(i.name for i in selectors.catalogue(query).results) == ["A", "B", "D"]


def _catalogue_queries(client, path: str = "/initiatieven/", params=None) -> int:
    if params is None:
        params = {"q": "zorg", "provincie": "drenthe", "activiteit": "vervoer", "sort": "naam"}
    cache.clear()  # facet counts computed, as for a question nobody asked before
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries)


def test_catalogue_query_count_does_not_grow_with_the_catalogue(
    db, client, settings, django_assert_max_num_queries
):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("generate_initiatives", count=10, seed=1, verbosity=0)
    small = _catalogue_queries(client)
    call_command("generate_initiatives", count=190, seed=2, verbosity=0)
    assert Initiative.objects.count() == 200
    large = _catalogue_queries(client)
    assert small == large
    with django_assert_max_num_queries(15):
        client.get("/initiatieven/")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # page ids with the total, the page's rows, its activities; seven facet counts
        ("/initiatieven/", 3 + 7),
        # page ids with both totals, the list's rows; seven facet counts
        ("/initiatieven/kaart/", 2 + 7),
        ("/initiatieven/kaart/punten.json", 1),
        # page ids with the total, the page's rows, five taxonomies
        ("/api/initiatieven/", 2 + 5),
        ("/api/initiatieven/hsds/", 2 + 5),
    ],
)
def test_query_count_does_not_grow_with_the_catalogue(db, client, settings, path, expected):
    """What bench/catalogue_scale.py relies on: the same queries at 10 and at 200."""
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("generate_initiatives", count=10, seed=1, verbosity=0)
    # A search with results at both sizes: a facet value without results costs one more
    # query (to show it, with 0, under its name).
    params = {"q": "zorg", "page_size": "5"}
    small = _catalogue_queries(client, path, params)
    call_command("generate_initiatives", count=190, seed=2, verbosity=0)
    large = _catalogue_queries(client, path, params)
    assert small == large == expected
    if path in ("/initiatieven/", "/initiatieven/kaart/"):
        # Past the last page one COUNT more finds the last page (the API answers 404).
        assert _catalogue_queries(client, path, {**params, "page": "999"}) <= expected + 1


def test_pages_through_ids_in_the_same_order_and_count(db, client):
    from django.core.management import call_command

    call_command("generate_initiatives", count=60, seed=3, force=True, verbosity=0)
    for query in (
        CatalogueQuery(q="zorg"),
        CatalogueQuery(q="zorg", sort="nieuw"),
        CatalogueQuery(filters={"provincie": ["gelderland", "drenthe"]}),
        CatalogueQuery(q="geen-enkel-initiatief"),
    ):
        results = selectors.catalogue(query).results
        expected = list(results.values_list("pk", flat=True))
        paginator = selectors.CataloguePaginator(results, 7)
        pages = [paginator.get_page(number) for number in range(1, paginator.num_pages + 1)]
        assert paginator.count == len(expected)
        assert [i.pk for page in pages for i in page.object_list] == expected
        assert paginator.get_page(999).number == paginator.num_pages
        assert paginator.get_page("abc").number == 1


def test_map_counts_the_located_results_and_loads_their_points(client, make_initiative):
    make_initiative("Zorgcoöperatie Op De Kaart", latitude="52.5", longitude="6.1")
    make_initiative("Zorgcoöperatie Zonder Plek")
    page = client.get("/initiatieven/kaart/?q=zorg")
    assert page.context["page"].paginator.count == 2
    assert page.context["located_count"] == 1
    assert page.context["points_url"] == "/initiatieven/kaart/punten.json?q=zorg"
    points = client.get(page.context["points_url"]).json()["points"]
    assert [point[2] for point in points] == ["Zorgcoöperatie Op De Kaart"]


def test_cached_facet_counts_follow_changes(client, make_initiative, django_assert_max_num_queries):
    make_initiative("Buurtzorg Oost", type_slug="zorgcooperatie")

    def type_count():
        page = client.get("/initiatieven/?q=buurtzorg")
        facet = next(f for f in page.context["catalogue"].facets if f.param == "type")
        return {o.value: o.count for o in facet.options}.get("zorgcooperatie", 0)

    assert type_count() == 1
    with django_assert_max_num_queries(4):  # facets from the cache: count, page, terms
        client.get("/initiatieven/?q=buurtzorg")
    make_initiative("Buurtzorg West", type_slug="zorgcooperatie")
    assert type_count() == 2


def test_a_lost_catalogue_version_never_brings_old_cache_entries_back(db):
    from django.core.cache import cache

    from initiatives.selectors import VERSION_KEY, catalogue_changed, catalogue_version

    before = catalogue_version()
    catalogue_changed()
    assert catalogue_version() == before + 1
    cache.delete(VERSION_KEY)  # evicted, or the cache restarted
    assert catalogue_version() > before + 1
