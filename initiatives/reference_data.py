"""Reference data shipped with the app: provinces, the municipalities of 2025 and the
Dutch taxonomy terms. Loaded by migration 0003, and again after a test flush empties the
tables (see apps.py), never over data that is already there.
"""

import csv
from pathlib import Path

from django.utils.text import slugify

DATA = Path(__file__).resolve().parent / "reference" / "municipalities_2025.csv"

PROVINCES = {
    "Groningen": "PV20",
    "Fryslân": "PV21",
    "Drenthe": "PV22",
    "Overijssel": "PV23",
    "Flevoland": "PV24",
    "Gelderland": "PV25",
    "Utrecht": "PV26",
    "Noord-Holland": "PV27",
    "Zuid-Holland": "PV28",
    "Zeeland": "PV29",
    "Noord-Brabant": "PV30",
    "Limburg": "PV31",
}

# (slug, name, synonyms). Synonyms are what people type that the name does not contain.
TERMS = {
    "InitiativeType": [
        ("zorgcooperatie", "Zorgcoöperatie", "zorg coöperatie"),
        ("dorps-buurtcooperatie", "Dorps- of buurtcoöperatie", "dorpscoöperatie, buurtcoöperatie"),
        ("voorzorgcirkel", "Voorzorgcirkel", "zorgcirkel"),
        ("naoberzorg", "Naoberzorg / noaberzorg", "noaberzorg, naoberschap, noaberschap"),
        ("zorgzaam-dorp-buurt", "Zorgzaam dorp of zorgzame buurt", "zorgzame gemeenschap"),
        ("burennetwerk", "Burennetwerk", "burenhulp"),
        ("stadsdorp", "Stadsdorp", ""),
        ("wijkbedrijf", "Wijkbedrijf of bewonersbedrijf", "bewonersbedrijf"),
        ("bewonersinitiatief", "Bewonersinitiatief", "burgerinitiatief"),
        ("woonzorginitiatief", "Woonzorginitiatief", "woon-zorginitiatief, knarrenhof"),
        ("netwerk", "Netwerk of samenwerkingsverband", "alliantie, collectief, coalitie"),
        ("kennisinstelling", "Kennisinstelling", "kenniscentrum"),
        ("anders", "Anders", ""),
    ],
    "Approach": [
        ("omzien-naar-elkaar", "Omzien naar elkaar", ""),
        ("de-buurt-als-eco-systeem", "De buurt als eco-systeem", "ecosysteem"),
        ("dos", "DOS", ""),
        ("hechte-wijk-en-buurtverbanden", "Hechte wijk- en buurtverbanden", ""),
        ("voorzorgcirkels", "Voorzorgcirkels", ""),
        ("positieve-gezondheid", "Positieve Gezondheid", ""),
        ("abcd", "ABCD (Asset Based Community Development)", "asset based"),
        ("anders", "Andere aanpak", ""),
    ],
    "Activity": [
        ("ontmoeting", "Ontmoeting", "koffieochtend, inloop"),
        ("praktische-hulp", "Praktische hulp", ""),
        ("klussen", "Klussen", "klusjes"),
        ("vervoer", "Vervoer", "buurtbus, rijdienst"),
        ("boodschappen", "Boodschappen", ""),
        ("maaltijden", "Maaltijden", "eten, samen eten"),
        ("mantelzorgondersteuning", "Mantelzorgondersteuning", "respijtzorg"),
        ("informatie-en-advies", "Informatie en advies", "steunpunt"),
        ("dagbesteding", "Dagbesteding", ""),
        ("huisbezoek", "Huisbezoek", "bezoek"),
        ("zorgcoordinatie", "Zorgcoördinatie", "dorpsondersteuner, buurtondersteuner"),
        ("wonen", "Wonen", ""),
        ("bewegen", "Bewegen", "sport"),
        ("digitale-hulp", "Digitale hulp", "computer, telefoon"),
    ],
    "TargetGroup": [
        ("alle-bewoners", "Alle bewoners", "iedereen"),
        ("ouderen", "Ouderen", "senioren"),
        ("mantelzorgers", "Mantelzorgers", ""),
        ("mensen-met-een-beperking", "Mensen met een beperking", "handicap"),
        ("psychische-kwetsbaarheid", "Mensen met psychische kwetsbaarheid", "ggz"),
        ("nieuwkomers", "Nieuwkomers", "statushouders"),
        ("jongeren", "Jongeren", ""),
        ("geldzorgen", "Mensen met geldzorgen", "armoede, schulden"),
        ("mensen-met-dementie", "Mensen met dementie", ""),
        ("gezinnen", "Gezinnen met kinderen", ""),
    ],
    "Theme": [
        ("langer-thuis-wonen", "Langer thuis wonen", ""),
        ("eenzaamheid", "Eenzaamheid", ""),
        ("gezondheid-en-preventie", "Gezondheid en preventie", ""),
        ("bestaanszekerheid", "Armoede en bestaanszekerheid", "geldzorgen"),
        ("wonen-en-zorg", "Wonen en zorg", ""),
        ("zeggenschap", "Eigenaarschap en zeggenschap", ""),
        ("digitale-inclusie", "Digitale inclusie", ""),
        ("dementievriendelijk", "Dementievriendelijk", ""),
        ("leefbaarheid", "Leefbaarheid", ""),
    ],
    "PartnerKind": [
        ("gemeente", "Gemeente", ""),
        ("zorgaanbieder", "Zorgaanbieder", "thuiszorg, wijkverpleging"),
        ("woningcorporatie", "Woningcorporatie", ""),
        ("zorgverzekeraar", "Zorgverzekeraar", ""),
        ("welzijnsorganisatie", "Welzijnsorganisatie", "welzijnswerk"),
        ("huisarts", "Huisarts", ""),
        ("onderwijs", "Onderwijs en onderzoek", "hogeschool"),
    ],
}


def load(apps) -> None:
    """Create or update every province, municipality and seed term (idempotent)."""
    Province = apps.get_model("initiatives", "Province")
    Municipality = apps.get_model("initiatives", "Municipality")
    provinces = {}
    for name, code in PROVINCES.items():
        provinces[name], _ = Province.objects.update_or_create(
            code=code, defaults={"name": name, "slug": slugify(name)}
        )
    with DATA.open(encoding="utf-8", newline="") as data:
        for row in csv.DictReader(data):
            Municipality.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "slug": slugify(row["name"].replace("'s-", "s-")),
                    "province": provinces[row["province"]],
                },
            )
    for model_name, terms in TERMS.items():
        model = apps.get_model("initiatives", model_name)
        for position, (slug, name, synonyms) in enumerate(terms):
            model.objects.update_or_create(
                slug=slug, defaults={"name": name, "synonyms": synonyms, "position": position}
            )


def ensure_loaded(sender=None, apps=None, using="default", **kwargs) -> None:
    """After migrate or a test flush: load the reference data when it is missing."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    Municipality = apps.get_model("initiatives", "Municipality")
    if not Municipality.objects.using(using).exists():
        load(apps)
