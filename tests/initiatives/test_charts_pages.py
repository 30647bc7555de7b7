"""The charts of the knelpunten monitor and the overlap page, beside their tables."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import compare, services


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def report(initiative, *bottlenecks):
    services.bottleneck_report_create(
        initiative=initiative,
        bottlenecks=[(category, severity, "") for category, severity in bottlenecks],
        source="coordinator",
        reported_on=date(2025, 3, 1),
    )


@pytest.fixture
def reported(make_initiative):
    """Six initiatives in Hoogeveen: finances big for three, the municipality for one."""
    initiatives = [make_initiative(f"Hoogeveen {n}", municipality="GM0118") for n in range(6)]
    for initiative in initiatives[:3]:
        report(initiative, ("financien", "groot"))
    report(initiatives[3], ("gemeente", "zeer_groot"))
    for initiative in initiatives[4:]:
        report(initiative, ("vrijwilligers", "klein"))
    return initiatives


def test_the_monitor_draws_the_shares_per_category_against_the_national_band(english, reported):
    page = english.get("/initiatieven/knelpunten/").text
    assert '<svg role="img" aria-labelledby="chart-per-category-title chart-per-category-desc"' in (
        page
    )
    assert (
        '<title id="chart-per-category-title">Share of initiatives with a big or very big '
        "knelpunt, per category</title>"
    ) in page
    assert "Highest: Finances, 50.0%." in page
    assert "National figure (2018): 50–60%" in page
    assert page.count('class="chart-band"') >= 8  # the legend and one per category
    assert ">50.0%</text>" in page and ">0.0%</text>" in page
    # The table stays beside it.
    assert 'id="per-category"' in page and 'scope="row">Finances</th>' in page


def test_the_monitor_in_dutch_writes_decimal_commas_in_text_only(client, reported):
    page = client.get("/initiatieven/knelpunten/").text
    assert ">50,0%</text>" in page
    svg = page[page.index('<svg role="img" aria-labelledby="chart-per-category') :]
    svg = svg[: svg.index("</svg>")]
    assert ',0"' not in svg  # no decimal comma inside an attribute


def test_a_suppressed_monitor_draws_no_category_chart(english, make_initiative):
    for n in range(3):
        report(make_initiative(f"Klein {n}", municipality="GM0118"), ("financien", "groot"))
    page = english.get("/initiatieven/knelpunten/").text
    assert "chart-per-category" not in page


def test_the_overlap_page_draws_approaches_per_municipality(english, make_initiative):
    for n in range(3):
        make_initiative(f"Cirkel {n}", municipality="GM0118", approaches=["voorzorgcirkels"])
    make_initiative("Buurt", municipality="GM0118", approaches=["abcd", "voorzorgcirkels"])
    make_initiative("Emmen", municipality="GM0114", approaches=["abcd"])
    make_initiative("Zonder", municipality="GM0114")
    response = english.get("/initiatieven/vergelijken/overlap/?provincie=drenthe")
    page = response.text
    lines = response.context["overview"].approaches
    assert [(line.municipality, line.approach, line.count) for line in lines] == [
        ("Emmen", "ABCD (Asset Based Community Development)", 1),
        ("Hoogeveen", "Voorzorgcirkels", 4),
        ("Hoogeveen", "ABCD (Asset Based Community Development)", 1),
    ]
    assert '<title id="chart-approaches-title">' in page
    assert "Most overlap: 4 initiatives follow Voorzorgcirkels in Hoogeveen." in page
    assert ">Hoogeveen</text>" in page and ">Emmen</text>" in page  # group headings
    assert 'scope="rowgroup" rowspan="2">Hoogeveen</th>' in page
    # Every number in the table leads to exactly the initiatives behind it.
    url = lines[1].url
    assert url == "/initiatieven/?gemeente=hoogeveen&aanpak=voorzorgcirkels"
    assert english.get(url).context["page"].paginator.count == 4


def test_one_municipality_needs_no_group_headings(english, make_initiative):
    make_initiative("Een", municipality="GM0118", approaches=["abcd"])
    page = english.get("/initiatieven/vergelijken/overlap/?gemeente=hoogeveen").text
    assert 'role="img"' in page and 'class="chart-group"' not in page
    assert "No approach is followed by more than one initiative in the same municipality." in page


def test_an_area_without_approaches_says_so_without_a_chart(english, make_initiative):
    make_initiative("Een", municipality="GM0118")
    page = english.get("/initiatieven/vergelijken/overlap/?gemeente=hoogeveen").text
    assert 'role="img"' not in page
    assert "No initiative in this area names an approach." in page


def test_the_overlap_page_queries_do_not_grow_with_initiatives(client, make_initiative):
    url = "/initiatieven/vergelijken/overlap/?provincie=drenthe"
    make_initiative("Een", municipality="GM0118", approaches=["abcd"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        make_initiative(
            f"Meer {n}",
            municipality="GM0118" if n % 2 else "GM0114",
            approaches=["abcd", "voorzorgcirkels"][: 1 + n % 2],
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["overview"].approaches) == 3
    assert len(many) <= len(few)


def test_the_approach_lines_come_in_one_query(make_initiative):
    from initiatives.models import Municipality

    make_initiative("Een", municipality="GM0118", approaches=["abcd"])
    hoogeveen = Municipality.objects.get(code="GM0118")
    with CaptureQueriesContext(connection) as with_approaches:
        compare.area_overview(municipality=hoogeveen)
    # area_overview's other reads: activities, their names, target groups, gaps, the count
    assert len(with_approaches) <= 6
