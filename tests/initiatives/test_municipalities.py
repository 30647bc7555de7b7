from initiatives.models import InitiativeType, Municipality, Province


def test_all_342_municipalities_of_2025_are_loaded_with_their_province(db):
    assert Municipality.objects.count() == 342
    assert Province.objects.count() == 12
    for province in Province.objects.all():
        assert province.municipalities.exists(), province
    assert Municipality.objects.get(code="GM0363").name == "Amsterdam"
    assert Municipality.objects.get(code="GM0599").province.name == "Zuid-Holland"
    assert Municipality.objects.get(code="GM0518").name == "'s-Gravenhage"
    assert Municipality.objects.get(code="GM0344").province.name == "Utrecht"
    assert Municipality.objects.get(code="GM1992").name == "Voorne aan Zee"
    # Merged away before 2025: Weesp (2022) and the three municipalities of Voorne (2023).
    assert not Municipality.objects.filter(code__in=["GM0457", "GM0501", "GM0530", "GM0614"])
    counts = {p.name: p.municipalities.count() for p in Province.objects.all()}
    assert counts["Noord-Brabant"] == 56 and counts["Flevoland"] == 6


def test_the_taxonomies_are_seeded_with_dutch_terms(db):
    slugs = set(InitiativeType.objects.values_list("slug", flat=True))
    assert {"zorgcooperatie", "voorzorgcirkel", "naoberzorg", "stadsdorp", "anders"} <= slugs
    assert InitiativeType.objects.get(slug="zorgcooperatie").name == "Zorgcoöperatie"
