from datetime import date

from initiatives import compare, services
from initiatives.models import Initiative


def test_compare_marks_shared_and_different(client, make_initiative):
    a = make_initiative(
        "Zorgcoöperatie Hollandscheveld",
        type_slug="zorgcooperatie",
        municipality="GM0118",
        activities=["maaltijden", "vervoer"],
        target_groups=["ouderen"],
        legal_form="cooperatie",
    )
    b = make_initiative(
        "Zorgcoöperatie Zuidwolde",
        type_slug="zorgcooperatie",
        municipality="GM1690",
        activities=["maaltijden", "klussen"],
        target_groups=["ouderen"],
        legal_form="vereniging",
    )
    services.bottleneck_report_create(
        initiative=a, bottlenecks=[("financien", "groot", "")], source="coordinator"
    )
    result = compare.comparison(initiative_slugs=[a.slug, b.slug], approach_slugs=[])
    rows = {row.label: row for row in result.rows}
    activities = rows["Activities"] if "Activities" in rows else rows["Activiteiten"]
    shared = {cell.label for cells in activities.cells for cell in cells if cell.shared}
    assert shared == {"Maaltijden"}
    assert not activities.all_same
    assert [row.all_same for row in result.rows][0]  # the type is the same

    response = client.get(f"/initiatieven/vergelijken/?i={a.slug}&i={b.slug}")
    html = response.text
    assert response.status_code == 200
    assert "Zuidwolde" in html and "Hollandscheveld" in html
    assert html.count('class="compare-shared"') >= 4  # type ×2, maaltijden ×2, ouderen ×2
    assert "<caption" in html and 'scope="row"' in html


def test_compare_with_an_approach_and_bad_input(client, make_initiative):
    a = make_initiative("Cirkel Noord", approaches=["voorzorgcirkels"], activities=["huisbezoek"])
    make_initiative("Cirkel Zuid", approaches=["voorzorgcirkels"], activities=["huisbezoek"])
    hidden = make_initiative("Geheim", publication=Initiative.Publication.PENDING)
    response = client.get(
        f"/initiatieven/vergelijken/?i={a.slug}&i={hidden.slug}&aanpak=voorzorgcirkels&aanpak=x"
    )
    assert response.status_code == 200
    columns = response.context["comparison"].columns
    assert [c.kind for c in columns] == ["initiative", "approach"]
    assert "Geheim" not in response.text and "Huisbezoek (2)" in response.text
    too_many = "&".join(f"i=x{n}" for n in range(50))
    assert client.get(f"/initiatieven/vergelijken/?{too_many}&q=zorg").status_code == 200
    assert client.get(f"/initiatieven/vergelijken/?{too_many}&q=%00").status_code == 400
    search = client.get(f"/initiatieven/vergelijken/?i={a.slug}&q=zuid")
    assert [c.name for c in search.context["candidates"]] == ["Cirkel Zuid"]


def test_overlap_and_gaps_link_to_the_catalogue(client, make_initiative):
    for name in ("Een", "Twee"):
        make_initiative(
            name, municipality="GM0118", activities=["vervoer"], target_groups=["ouderen"]
        )
    make_initiative(
        "Drie", municipality="GM0118", activities=["klussen"], target_groups=["jongeren"]
    )
    make_initiative(
        "Elders", municipality="GM0363", activities=["klussen"], target_groups=["gezinnen"]
    )
    response = client.get("/initiatieven/vergelijken/overlap/?gemeente=hoogeveen")
    assert response.status_code == 200
    overview = response.context["overview"]
    assert [(line.label, line.count) for line in overview.overlap] == [("Vervoer", 2)]
    assert overview.overlap[0].url == "/initiatieven/?gemeente=hoogeveen&activiteit=vervoer"
    gaps = {line.label for line in overview.gaps}
    assert "Gezinnen met kinderen" in gaps and "Ouderen" not in gaps and "Jongeren" not in gaps
    assert 'href="/initiatieven/?gemeente=hoogeveen&amp;activiteit=vervoer"' in response.text
    # The link gives exactly the initiatives behind the number.
    catalogue = client.get(overview.overlap[0].url)
    assert catalogue.context["page"].paginator.count == 2
    province = client.get("/initiatieven/vergelijken/overlap/?provincie=drenthe")
    assert province.context["overview"].initiatives_count == 3
    assert client.get("/initiatieven/vergelijken/overlap/").status_code == 200
    assert client.get("/initiatieven/vergelijken/overlap/?gemeente=nergens").status_code == 400


def test_knelpunten_column_uses_the_latest_report(make_initiative):
    a = make_initiative("A")
    b = make_initiative("B")
    services.bottleneck_report_create(
        initiative=a,
        bottlenecks=[("financien", "groot", "")],
        source="coordinator",
        reported_on=date(2023, 1, 1),
    )
    services.bottleneck_report_create(
        initiative=a, bottlenecks=[("huisvesting", "klein", "")], source="coordinator"
    )
    result = compare.comparison(initiative_slugs=[a.slug, b.slug], approach_slugs=[])
    assert [cell.key for cell in result.rows[-1].cells[0]] == ["huisvesting"]
