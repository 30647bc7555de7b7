"""Demo data from the seed documents: three meetings and the initiatives they name.

Idempotent: every object is found by its natural key and updated, so running the
command twice changes nothing. Dates are the next occurrence of the seed's date.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from events import services
from events.answers import AnswerValue
from events.models import (
    Event,
    LiveRound,
    ProgrammeItem,
    Question,
    QuestionChoice,
    Registration,
    Report,
    ReportAgreement,
    Series,
)
from events.services.questions import answers_save
from initiatives import services as initiative_services
from initiatives.models import (
    Activity,
    Approach,
    BottleneckReport,
    CorrectionReport,
    Initiative,
    InitiativeType,
    Municipality,
)
from initiatives.services import initiative_index
from organisations.models import INVITATION_VALID_FOR, Invitation, Membership, Organisation, Role

K = ProgrammeItem.Kind

INITIATIVES = [
    {
        "slug": "zorgvrijstaat",
        "name": "Zorgvrijstaat",
        "initiative_type": "wijkbedrijf",
        "municipality": "GM0599",
        "place": "Rotterdam",
        "neighbourhood": "Delfshaven",
        "legal_form": Initiative.LegalForm.SOCIALE_BV,
        "latitude": "51.91100",
        "longitude": "4.44900",
        "summary": "Gemeenschap in Rotterdam West die werkt aan zorgzame buurten, met een "
        "wijkbedrijf waarvan bewoners aandeelhouder zijn.",
        "description": "Zorgvrijstaat heeft haar wortels in Rotterdam West: dichtbevolkte "
        "stadswijken met een diversiteit aan bewoners en vraagstukken. Zorgvrijstaat werkt aan "
        "zorgzame buurten, waar mensen eigenaarschap voelen en zeggenschap hebben over hun "
        "eigen zorg en welzijn.\n\nMet het wijkbedrijf zoekt Zorgvrijstaat naar vormen waarmee "
        "mensen ook formeel eigenaarschap en zeggenschap kunnen organiseren: een sociale BV "
        "waar bewoners zelf aandeelhouder van zijn, die winsten weer herinvesteert in de wijk. "
        "Formaat is de plek waar ongehoorde verhalen worden gedeeld en hoorbaar worden gemaakt."
        "\n\nZorgvrijstaat maakt deel uit van de Welzijnscoalitie Delfshaven.",
    },
    {
        "slug": "welzijnscoalitie-delfshaven",
        "name": "Welzijnscoalitie Delfshaven",
        "initiative_type": "netwerk",
        "municipality": "GM0599",
        "place": "Rotterdam",
        "neighbourhood": "Delfshaven",
        "latitude": "51.91000",
        "longitude": "4.44500",
        "summary": "Samenwerkingsverband in Delfshaven (Rotterdam) waar Zorgvrijstaat deel "
        "van uitmaakt.",
    },
    {
        "slug": "het-8ste-werk",
        "name": "Het 8ste Werk",
        "initiative_type": "bewonersinitiatief",
        "municipality": "GM0166",
        "place": "Kampen",
        "latitude": "52.55500",
        "longitude": "5.91100",
        "summary": "Burgerinitiatief in Kampen, waar in het voorjaar van 2023 de reeks "
        "bezoeken aan zorgzame buurten begon.",
    },
    {
        "slug": "gezonde-marke",
        "name": "Gezonde Marke",
        "initiative_type": "netwerk",
        "area_served": "Provincie Drenthe",
        "approaches": [
            "omzien-naar-elkaar",
            "de-buurt-als-eco-systeem",
            "dos",
            "hechte-wijk-en-buurtverbanden",
            "voorzorgcirkels",
        ],
        "summary": "Samenwerking in Drenthe waarin bewoners betrokken zijn en gehoord worden; "
        "het Drents Collectief en inwoners zitten aan tafel.",
        "description": "Aandachtspunten uit de werkgroep: gelijkwaardigheid, het verbinden "
        "en ontmoeten van twee werelden (bruggenbouwers), en het afstemmen van de "
        "verschillende aanpakken in Drenthe: Omzien naar elkaar, De buurt als eco-systeem, "
        "DOS, Hechte wijk- en buurtverbanden en Voorzorgcirkels.",
    },
    {
        "slug": "drents-collectief",
        "name": "Drents Collectief",
        "initiative_type": "netwerk",
        "area_served": "Provincie Drenthe",
        "summary": "Collectief van bewonersinitiatieven in Drenthe; zit met inwoners aan tafel "
        "bij Gezonde Marke.",
    },
    {
        "slug": "zorgalliantie",
        "name": "Zorgalliantie",
        "initiative_type": "netwerk",
        "summary": "Alliantie die samen met het Centre of Expertise Krachtige Kernen een "
        "jaarlijks bestuurdersevent organiseert over verandering in de wijk.",
    },
    {
        "slug": "centre-of-expertise-krachtige-kernen",
        "name": "Centre of Expertise Krachtige Kernen",
        "initiative_type": "kennisinstelling",
        "summary": "Kenniscentrum dat onderwijs en onderzoek verbindt aan maatschappelijke "
        "opgaven in dorpen en wijken.",
    },
    {
        "slug": "nl-zorgt-voor-elkaar",
        "name": "NL Zorgt voor Elkaar",
        "initiative_type": "netwerk",
        "area_served": "Heel Nederland",
        "summary": "Landelijk netwerk van bewonersinitiatieven; maakte het Actieprogramma "
        "Zorgzame Gemeenschappen met een inventarisatie van behoeften, knelpunten en "
        "successen.",
        "description": "In het Actieprogramma Zorgzame Gemeenschappen bleek dat 50% tot 60% "
        "van de bewonersinitiatieven minstens één groot tot zeer groot knelpunt ervaart op "
        "het gebied van wet- en regelgeving, financiën, samenwerking met de gemeente of met "
        "aanbieders van zorg en ondersteuning.",
    },
    {
        "slug": "omzien-naar-elkaar",
        "name": "Omzien naar elkaar",
        "initiative_type": "netwerk",
        "area_served": "Provincie Drenthe",
        "approaches": ["omzien-naar-elkaar"],
        "summary": "Beweging voor zorgzame gemeenschappen vanuit inwoners; een van de aanpakken "
        "in Drenthe.",
    },
]


def seed_initiative(spec: dict) -> Initiative:
    """Create or update one seed initiative, with its terms and search text."""
    spec = dict(spec)
    slug = spec.pop("slug")
    approaches = spec.pop("approaches", [])
    spec["initiative_type"] = InitiativeType.objects.get(slug=spec["initiative_type"])
    if "municipality" in spec:
        spec["municipality"] = Municipality.objects.get(code=spec["municipality"])
    spec["publication"] = Initiative.Publication.PUBLISHED
    initiative, _ = Initiative.objects.update_or_create(slug=slug, defaults=spec)
    initiative.approaches.set(Approach.objects.filter(slug__in=approaches))
    initiative_index(initiative=initiative)
    return initiative


def next_occurrence(month: int, day: int, today: date) -> date:
    """The next date with this month and day, today or later."""
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# The organisations behind the three seed meetings (contract), with their catalogue entry.
ORGANISATIONS = [
    {
        "slug": "zorgzaam-nieuw-west",
        "name": "Netwerk Zorgzaam Nieuw-West",
        "description": "Bewoners, buurtopbouwwerkers en organisaties in Amsterdam Nieuw-West "
        "die samen werken aan zorgzame gemeenschappen: wat zijn ze, en hoe versterken we ze?",
        "initiative": None,
    },
    {
        "slug": "zorgvrijstaat",
        "name": "Zorgvrijstaat",
        "description": "Zorgvrijstaat in Rotterdam West: wijkbewoners en initiatiefnemers die "
        "samen verantwoordelijkheid dragen voor het zorgen voor elkaar, met een wijkbedrijf "
        "in Het Wijkpaleis.",
        "initiative": "zorgvrijstaat",
        # The meet-up's own website may show its sign-up form (contract, used later).
        "embed_origins": "https://zorgvrijstaat.example",
    },
    {
        "slug": "zorgalliantie",
        "name": "Zorgalliantie",
        "description": "De Zorgalliantie organiseert met het Centre of Expertise Krachtige "
        "Kernen het jaarlijkse bestuurdersevent over verandering in de wijk.",
        "initiative": "zorgalliantie",
    },
]
EVENT_ORGANISATION = {
    "zorgzame-gemeenschappen": "zorgzaam-nieuw-west",
    "aftrap-het-8ste-werk-kampen": "zorgvrijstaat",
    "meetup-zorgvrijstaat": "zorgvrijstaat",
    "bestuurdersevent-krachtige-kernen": "zorgalliantie",
}


# The visits to places in the country where people work on caring neighbourhoods (seed:
# "In 2023 bezoeken we heel verschillende plekken in het land ... Dit voorjaar was de aftrap
# bij burgerinitiatief Het 8ste Werk in Kampen. 19 juni vervolgen we bij Zorgvrijstaat").
SERIES = {
    "slug": "bezoeken-zorgzame-buurten",
    "organisation": "zorgvrijstaat",
    "title": "Bezoeken aan zorgzame buurten",
    "description": "We bezoeken heel verschillende plekken in het land waar mensen werken "
    "aan zorgzame buurten: plekken waar burgerinitiatieven, zorgprofessionals en anderen "
    "elkaar versterken en waar de lokale zeggenschap vernieuwd wordt. De aftrap was bij "
    "burgerinitiatief Het 8ste Werk in Kampen; daarna vervolgen we het gesprek bij "
    "Zorgvrijstaat in Rotterdam, zonder dat het bij alleen praten blijft.",
}
# Example data: the seeds say only that the tour began here, so the text says it is an example.
EXAMPLE_REPORT_SUMMARY = (
    "Voorbeeldverslag (demo). Dit voorjaar was de aftrap van de bezoeken aan zorgzame "
    "buurten bij burgerinitiatief Het 8ste Werk in Kampen.\n\n"
    "We spraken over zorgen voor elkaar als iets van mensen: eigenaarschap voelen en "
    "zeggenschap hebben over de eigen zorg en het eigen welzijn. Op 19 juni vervolgen we "
    "het gesprek bij Zorgvrijstaat in Rotterdam."
)

EVENT_SERIES = {"aftrap-het-8ste-werk-kampen", "meetup-zorgvrijstaat"}


def last_spring_day(today: date) -> date:
    """The most recent 20 April before today: the visit that opened the series."""
    candidate = date(today.year, 4, 20)
    return candidate if candidate < today else date(today.year - 1, 4, 20)


def seed_organisation(spec: dict, initiatives: dict[str, Initiative]) -> Organisation:
    spec = dict(spec)
    slug = spec.pop("slug")
    initiative = spec.pop("initiative")
    spec["initiative"] = initiatives[initiative] if initiative else None
    organisation, _ = Organisation.objects.update_or_create(slug=slug, defaults=spec)
    return organisation


def events_spec(today: date) -> list[dict]:
    ru_pare = next_occurrence(10, 1, today)
    wijkpaleis = next_occurrence(6, 19, today)
    bestuurders = next_occurrence(11, 2, today)
    kampen = last_spring_day(today)
    return [
        {
            "slug": "aftrap-het-8ste-werk-kampen",
            "title": "Aftrap bezoeken aan zorgzame buurten – Het 8ste Werk",
            "summary": "De eerste van de bezoeken aan plekken in het land waar mensen werken "
            "aan zorgzame buurten: bij burgerinitiatief Het 8ste Werk in Kampen.",
            "description": (
                "We bezoeken plekken in het land waar de lokale zeggenschap vernieuwd wordt: "
                "plekken waar burgerinitiatieven, zorgprofessionals en anderen elkaar "
                "versterken. De aftrap is bij burgerinitiatief Het 8ste Werk in Kampen.\n\n"
                "Let op: de datum en tijden van dit bezoek zijn een aanname voor de demo; "
                "de bron zegt alleen dat de aftrap in het voorjaar was."
            ),
            "starts_at": aware(kampen, 14),
            "ends_at": aware(kampen, 17),
            "venue_name": "Het 8ste Werk",
            "venue_street": "",
            "venue_city": "Kampen",
            "capacity": 40,
            "free_entry": True,
            "hosts": ["het-8ste-werk"],
            "programme": [],
        },
        {
            "slug": "zorgzame-gemeenschappen",
            "title": "Zorgzame Gemeenschappen",
            "summary": "Wat zijn zorgzame gemeenschappen, en hoe versterken we ze? Een middag "
            "met publicist Pieter Hilhorst en verdiepingssessies over onder andere de rol van "
            "buurtopbouwwerkers.",
            "description": (
                "Er liggen gigantische uitdagingen in de zorg. De vergrijzing legt een enorme "
                "druk op het zorgsysteem, en juist in achtergestelde wijken is de toegang tot "
                "zorg en welzijn moeilijk. Gemeenschappen worden aangedragen als één van de "
                "oplossingen. Zorgzame buurten is inmiddels niet alleen een begrip maar ook een "
                "beleidsdoel geworden.\n\n"
                "In deze bijeenkomst verdiepen we ons in zorgzame gemeenschappen in Nieuw-West "
                "en uit het land. Wat zijn zorgzame gemeenschappen precies? Zit de oplossing "
                "voor de uitdagingen in de zorg in de gemeenschap? Hoe komen ze tot stand en "
                "hoe versterken we ze? Hoe zorgen we ervoor dat bewoners eigenaarschap voelen "
                "en zeggenschap hebben over hun eigen zorg en welzijn? En wat is de rol van "
                "buurtopbouwwerkers hierin?\n\n"
                "Eerst is er een plenair deel met onder andere een inleiding door publicist "
                "Pieter Hilhorst, mede-auteur van ‘De belofte van de gemeenschap’, waarin zeven "
                "belemmerende mythes in ons denken over zorg en gemeenschap worden besproken. "
                "Daarna gaan we uiteen in verdiepingssessies.\n\n"
                "Let op: het precieze programma volgt. De tijden in het programma hieronder "
                "zijn een voorlopige indeling."
            ),
            "starts_at": aware(ru_pare, 14),
            "ends_at": aware(ru_pare, 17),
            "venue_name": "Ru Paré",
            "venue_street": "Chris Lebeaustraat 4",
            "venue_city": "Amsterdam (Nieuw-West)",
            "capacity": None,
            "free_entry": True,
            "hosts": [],
            "programme": [
                (time(14, 0), time(14, 15), "Welkom", K.PLENARY, "", ""),
                (
                    time(14, 15),
                    time(15, 15),
                    "Inleiding: De belofte van de gemeenschap",
                    K.PLENARY,
                    "Pieter Hilhorst, publicist",
                    "Zeven belemmerende mythes in ons denken over zorg en gemeenschap.",
                ),
                (time(15, 15), time(15, 30), "Pauze", K.BREAK, "", ""),
                (
                    time(15, 30),
                    time(16, 30),
                    "De rol van buurtopbouwwerkers",
                    K.BREAKOUT,
                    "",
                    "Wat vraagt een zorgzame buurt van buurtopbouwwerkers?",
                ),
                (
                    time(15, 30),
                    time(16, 30),
                    "Eigenaarschap en zeggenschap van bewoners",
                    K.BREAKOUT,
                    "",
                    "Hoe houden bewoners zeggenschap over hun eigen zorg en welzijn?",
                ),
                (
                    time(15, 30),
                    time(16, 30),
                    "Hoe ontstaat een zorgzame gemeenschap?",
                    K.BREAKOUT,
                    "",
                    "Voorbeelden uit Nieuw-West en uit het land.",
                ),
                (time(16, 30), time(17, 0), "Terugblik en afsluiting", K.PLENARY, "", ""),
            ],
        },
        {
            "slug": "meetup-zorgvrijstaat",
            "title": "Meet-up Zorgvrijstaat – zeggenschap in zorgzame buurten",
            "summary": "Wijkbewoners en initiatiefnemers van Zorgvrijstaat nemen ons mee in de "
            "kracht van samen verantwoordelijkheid dragen voor het zorgen voor elkaar. Er is "
            "beperkt plek: vol is vol!",
            "description": (
                "(Jonge) wijkbewoners en initiatiefnemers van burgerinitiatief Zorgvrijstaat "
                "nemen ons mee in de kracht die schuilgaat achter samen verantwoordelijkheid "
                "dragen voor het zorgen voor elkaar, op basis van eigenaarschap en zeggenschap "
                "van mensen in de wijk. Hoe krijgt dit op deze plek vorm? En wat is er nodig van "
                "overheid, (zorg)organisaties en andere partijen om zorgzame buurten zoals deze "
                "verder te versterken?\n\n"
                "“Zorgen voor elkaar is iets van mensen. Zorgvrijstaat werkt aan zorgzame "
                "buurten, waar mensen eigenaarschap voelen en zeggenschap hebben over hun eigen "
                "zorg en welzijn.”\n\n"
                "We verwachten een divers gezelschap: betrokkenen vanuit de wijk, organisaties "
                "uit de gemeente Rotterdam, vernieuwers (cliënten, naasten, medewerkers, "
                "managers, beleidsmakers, bestuurders), mensen uit andere burgerinitiatieven en "
                "landelijke partijen. Jouw inbreng is heel waardevol!\n\n"
                "Er is beperkt plek, dus meld je snel aan. Vol is vol!\n\n"
                "Let op: de begin- en eindtijd en de indeling van het programma zijn een "
                "aanname; de organisatie maakt ze definitief bekend."
            ),
            "starts_at": aware(wijkpaleis, 14),
            "ends_at": aware(wijkpaleis, 17),
            "venue_name": "Het Wijkpaleis",
            "venue_street": "",
            "venue_city": "Rotterdam",
            "capacity": 40,
            "free_entry": True,
            "hosts": ["zorgvrijstaat", "welzijnscoalitie-delfshaven"],
            "programme": [
                (time(14, 0), time(14, 15), "Ontvangst", K.PLENARY, "", ""),
                (
                    time(14, 15),
                    time(15, 0),
                    "Zorgvrijstaat: zorgen voor elkaar is iets van mensen",
                    K.PLENARY,
                    "Wijkbewoners en initiatiefnemers van Zorgvrijstaat",
                    "",
                ),
                (
                    time(15, 0),
                    time(15, 30),
                    "Wijkbedrijf: bewoners aandeelhouder",
                    K.PLENARY,
                    "Zorgvrijstaat",
                    "Een sociale BV waar bewoners zelf aandeelhouder van zijn en die winsten "
                    "herinvesteert in de wijk.",
                ),
                (
                    time(15, 30),
                    time(16, 30),
                    "In gesprek: wat is er nodig om zorgzame buurten te versterken?",
                    K.PLENARY,
                    "",
                    "Van overheid, (zorg)organisaties en andere partijen — zonder dat het bij "
                    "alleen praten blijft.",
                ),
                (time(16, 30), time(17, 0), "Afsluiting", K.PLENARY, "", ""),
            ],
        },
        {
            "slug": "bestuurdersevent-krachtige-kernen",
            "title": "Interactief bestuurdersevent ‘Met elkaar zorgen voor verandering in de wijk’",
            "summary": "Het jaarlijkse bestuurdersevent van de Zorgalliantie en het Centre of "
            "Expertise Krachtige Kernen: welke opdracht ligt er de komende jaren, en welke "
            "afspraken maken we samen?",
            "description": (
                "Op 2 november 2023 was de eerste editie van het jaarlijkse bestuurdersevent "
                "van de Zorgalliantie en het Centre of Expertise Krachtige Kernen: meer dan 90 "
                "bestuurders praatten over zorgen voor verandering in de wijk. Over hoe ouderen "
                "langer thuis kunnen wonen, hoe we met elkaar zorgen voor iedereen in het dorp "
                "of de wijk (ook mensen met een psychische kwetsbaarheid en nieuwkomers), hoe we "
                "signaleren wanneer iemand aan het eind van het geld nog veel maand over heeft, "
                "en hoe we hierover samen beslissen met inwoners in plaats van over hun hoofden "
                "heen.\n\n"
                "Bestuurders verzorgen pitches over een maatschappelijk vraagstuk op het gebied "
                "van wonen, zorg en welzijn. Je kiest per ronde één pitch. Geen vrijblijvend "
                "gesprek: de opgaves die we verkennen zijn de basis om de komende jaren samen "
                "aan te werken, en om onderwijs en onderzoek aan te verbinden.\n\n"
                "Let op: de datum volgt die van de eerste editie (2 november); tijden, locatie "
                "en de indeling van de pitches in twee rondes zijn een aanname. De locatie "
                "maken we bekend aan wie zich aanmeldt."
            ),
            "starts_at": aware(bestuurders, 13, 30),
            "ends_at": aware(bestuurders, 17, 30),
            "venue_name": "Locatie volgt",
            "venue_street": "",
            "venue_city": "",
            "capacity": 100,
            "free_entry": True,
            "hosts": ["zorgalliantie", "centre-of-expertise-krachtige-kernen"],
            "programme": [
                (time(13, 30), time(14, 0), "Ontvangst en opening", K.PLENARY, "", ""),
                *[
                    (time(14, 0), time(14, 45), title, K.PITCH, "", "")
                    for title in (
                        "Ouderen langer thuis, vraagt om te ontschotten tussen wonen en zorg!",
                        "Participatie wijkbewoners bij transities in de wijk, het samen wonen. "
                        "Hoe doe je dat als inwoner en organisatie samen?",
                        "Samenwerken in de wijk, lukt dat ook echt?",
                    )
                ],
                (time(14, 45), time(15, 0), "Pauze", K.BREAK, "", ""),
                *[
                    (time(15, 0), time(15, 45), title, K.PITCH, "", "")
                    for title in (
                        "Omgaan met mensen met een psychische kwetsbaarheid in de wijk, hoe "
                        "doen we dat samen?",
                        "Technologie breed en duurzaam inzetten in wonen, welzijn en zorg.",
                        "Armoede / Kansongelijkheid, hoe gaan we hier mee om?",
                    )
                ],
                (
                    time(15, 45),
                    time(16, 45),
                    "Samen afspraken maken voor de komende jaren",
                    K.PLENARY,
                    "",
                    "Welke opdracht ligt er voor de Zorgalliantie en Krachtige Kernen?",
                ),
                (time(16, 45), time(17, 30), "Borrel", K.BREAK, "", ""),
            ],
        },
    ]


# Example data -----------------------------------------------------------------------------
# Made up, so a newcomer sees every page working. Everything is recognisable as an example:
# names begin with "Voorbeeld", addresses are @example.org (RFC 2606: never delivered), and
# example initiatives are is_synthetic ("not a real initiative"). Created in development, or
# with --example-data; never otherwise.

EXAMPLE_DOMAIN = "example.org"
B = Registration.Background

# The meet-up ("Vol is vol!"): these 28 sign-ups take its 40 places, the last 4 find it full.
# (people, background, organisation, what they want to raise, days before today)
MEETUP_SIGNUPS = [
    (1, B.RESIDENT, "", "Hoe word ik zelf aandeelhouder van het wijkbedrijf?", 24),
    (2, B.RESIDENT, "", "", 24),
    (
        1,
        B.COMMUNITY_WORKER,
        "Voorbeeld Welzijn West",
        "Wat doet opbouwwerk naast een wijkbedrijf?",
        24,
    ),
    (1, B.CARER, "", "Steun voor mantelzorgers in de buurt.", 24),
    (3, B.RESIDENT, "", "", 24),
    (1, B.CARE_PROFESSIONAL, "Voorbeeld Thuiszorg", "", 23),
    (1, B.MUNICIPALITY, "Voorbeeld Gemeente", "Wat heeft Zorgvrijstaat nodig van de gemeente?", 23),
    (2, B.VOLUNTEER, "", "", 23),
    (1, B.DIRECTOR, "Voorbeeld Zorggroep", "Hoe delen we zeggenschap met bewoners?", 22),
    (1, B.RESIDENT, "", "", 22),
    (1, B.RESEARCH, "Voorbeeld Hogeschool", "", 21),
    (1, B.OTHER, "Voorbeeld Burgerinitiatief", "Wat kunnen wij leren voor ons eigen dorp?", 20),
    (2, B.RESIDENT, "", "", 18),
    (1, B.CARE_PROFESSIONAL, "", "", 16),
    (1, "", "", "", 13),
    (1, B.RESIDENT, "", "", 10),
    (2, B.VOLUNTEER, "", "Vrijwilligers vinden en houden.", 10),
    (1, B.COMMUNITY_WORKER, "", "", 10),
    (3, B.RESIDENT, "", "", 10),
    (1, B.MUNICIPALITY, "", "", 9),
    (1, B.CARER, "", "", 9),
    (2, B.RESIDENT, "", "", 8),
    (1, B.DIRECTOR, "", "", 7),
    (1, "", "", "", 5),
    (3, B.OTHER, "Voorbeeld Landelijk Netwerk", "", 4),
    (1, B.RESIDENT, "", "", 3),
    (2, B.RESIDENT, "", "", 2),
    (1, B.VOLUNTEER, "", "", 2),
    # Full by now: the waiting list.
    (1, B.RESIDENT, "", "Ik kom graag als er een plek vrijkomt.", 2),
    (2, B.CARER, "", "", 1),
    (1, B.CARE_PROFESSIONAL, "", "", 1),
    (1, B.RESIDENT, "", "", 1),
]

# The past visit to Het 8ste Werk in Kampen. (people, background, came, days before the
# visit, index of the answer in KAMPEN_QUESTION_CHOICES); came is None for a cancellation.
KAMPEN_VISITORS = [
    (1, B.RESIDENT, True, 20, 0),
    (2, B.RESIDENT, True, 20, 1),
    (1, B.VOLUNTEER, True, 19, 0),
    (1, B.COMMUNITY_WORKER, True, 18, 2),
    (1, B.CARE_PROFESSIONAL, True, 18, 2),
    (1, B.RESIDENT, False, 17, 1),
    (1, B.MUNICIPALITY, True, 15, 2),
    (1, B.CARER, True, 14, 1),
    (2, B.RESIDENT, True, 14, 0),
    (1, B.OTHER, True, 12, 3),
    (1, B.RESEARCH, True, 11, 3),
    (1, B.RESIDENT, True, 10, 1),
    (1, B.DIRECTOR, False, 9, 2),
    (1, B.VOLUNTEER, True, 8, 0),
    (1, B.RESIDENT, True, 7, 1),
    (2, B.CARER, True, 7, 1),
    (1, B.RESIDENT, None, 6, 0),
    (1, B.CARE_PROFESSIONAL, True, 5, 2),
    (1, B.RESIDENT, True, 4, 1),
    (1, "", False, 3, 3),
    (1, B.COMMUNITY_WORKER, True, 3, 2),
    (1, B.RESIDENT, True, 2, 0),
    (1, B.VOLUNTEER, True, 2, 1),
    (1, B.RESIDENT, False, 1, 1),
    (1, B.OTHER, True, 1, 3),
]
KAMPEN_QUESTION = "Hoe heb je over dit bezoek gehoord?"
KAMPEN_QUESTION_CHOICES = [
    "Via Het 8ste Werk",
    "Via buren, familie of vrienden",
    "Via mijn werk of organisatie",
    "Via een ander burgerinitiatief",
]
KAMPEN_POLL_TITLE = "Waar gaan we na vandaag als eerste mee verder? (voorbeeld)"
KAMPEN_POLL_OPTIONS = [
    "Zeggenschap van bewoners over hun eigen zorg en welzijn",
    "Burgerinitiatieven en zorgprofessionals die elkaar versterken",
    "Medestanders vinden in andere burgerinitiatieven",
]
# The option each of the example participants chose.
KAMPEN_POLL_VOTES = [0, 0, 1, 0, 2, 1, 0, 1, 1, 0, 2, 0, 1, 2, 0, 1, 0, 0]

# At least five initiatives with a knelpunten report in Drenthe and in Rotterdam, so the
# monitor (which hides groups under five) shows figures: 7 of 12 report a big or very big
# knelpunt (58%), within the 50-60% the Actieprogramma found (seed 002).
# (name, type, CBS code, place, neighbourhood, latitude, longitude, summary)
EXAMPLE_INITIATIVES = [
    (
        "Voorbeeld Zorgcoöperatie Hollandscheveld",
        "zorgcooperatie",
        "GM0118",
        "Hollandscheveld",
        "",
        "52.69400",
        "6.54800",
        "Bewoners organiseren samen een dorpsondersteuner, maaltijden en vervoer.",
    ),
    (
        "Voorbeeld Naoberzorg Eext",
        "naoberzorg",
        "GM1680",
        "Eext",
        "",
        "53.02100",
        "6.73300",
        "Buren helpen elkaar met boodschappen, vervoer en een kop koffie.",
    ),
    (
        "Voorbeeld Voorzorgcirkel Assen-Oost",
        "voorzorgcirkel",
        "GM0106",
        "Assen",
        "",
        "52.99300",
        "6.57500",
        "Twaalf buren die hebben afgesproken op elkaar te letten.",
    ),
    (
        "Voorbeeld Dorpscoöperatie Westerbork",
        "dorps-buurtcooperatie",
        "GM1731",
        "Westerbork",
        "",
        "52.85000",
        "6.60800",
        "Een coöperatie van inwoners voor wonen, zorg en ontmoeting in het dorp.",
    ),
    (
        "Voorbeeld Burennetwerk Emmerhout",
        "burennetwerk",
        "GM0114",
        "Emmen",
        "Emmerhout",
        "52.78200",
        "6.93300",
        "Een netwerk van buren voor klussen, digitale hulp en huisbezoek.",
    ),
    (
        "Voorbeeld Zorgzaam Dorp Ruinen",
        "zorgzaam-dorp-buurt",
        "GM1690",
        "Ruinen",
        "",
        "52.76300",
        "6.35500",
        "Het dorp zorgt samen dat ouderen langer thuis kunnen wonen.",
    ),
    (
        "Voorbeeld Buurtcoöperatie Spangen",
        "dorps-buurtcooperatie",
        "GM0599",
        "Rotterdam",
        "Spangen",
        "51.91800",
        "4.44000",
        "Bewoners bundelen wat de buurt al doet voor elkaar, van klussen tot koken.",
    ),
    (
        "Voorbeeld Voorzorgcirkel Bospolder",
        "voorzorgcirkel",
        "GM0599",
        "Rotterdam",
        "Bospolder",
        "51.91100",
        "4.43700",
        "Tien buren die elkaar ondersteunen, voordat er zorg nodig is.",
    ),
    (
        "Voorbeeld Bewonersbedrijf Oude Westen",
        "wijkbedrijf",
        "GM0599",
        "Rotterdam",
        "Oude Westen",
        "51.91800",
        "4.46700",
        "Een bedrijf van bewoners dat zijn winst weer in de wijk steekt.",
    ),
    (
        "Voorbeeld Burenhulp Tussendijken",
        "burennetwerk",
        "GM0599",
        "Rotterdam",
        "Tussendijken",
        "51.91300",
        "4.44100",
        "Buren helpen elkaar met formulieren, boodschappen en een luisterend oor.",
    ),
    (
        "Voorbeeld Mantelzorgcafé Delfshaven",
        "bewonersinitiatief",
        "GM0599",
        "Rotterdam",
        "Delfshaven",
        "51.90900",
        "4.44700",
        "Elke maand een middag voor en door mantelzorgers uit de wijk.",
    ),
    (
        "Voorbeeld Stadsdorp Kralingen",
        "stadsdorp",
        "GM0599",
        "Rotterdam",
        "Kralingen",
        "51.92500",
        "4.51000",
        "Vijftigplussers in Kralingen die samen oud willen worden in hun buurt.",
    ),
]
EXAMPLE_INITIATIVE_NOTE = "Voorbeeld voor de demo: dit initiatief bestaat niet echt."
# Per example initiative, its reports, oldest first:
# (days ago, [(category, severity, description)], needs, successes)
EXAMPLE_KNELPUNTEN = {
    "Voorbeeld Zorgcoöperatie Hollandscheveld": [
        (
            40,
            [
                ("financien", "groot", "De dorpsondersteuner is maar voor één jaar betaald."),
                ("regelgeving", "klein", "Veel papierwerk voor de vrijwillige chauffeurs."),
            ],
            ["Meerjarige afspraken met de gemeente"],
            ["Elke week een gezamenlijke maaltijd in het dorpshuis"],
        )
    ],
    "Voorbeeld Naoberzorg Eext": [
        (
            75,
            [("vrijwilligers", "klein", "Het vervoer hangt op een paar vaste chauffeurs.")],
            [],
            ["Twintig buren doen mee"],
        )
    ],
    "Voorbeeld Voorzorgcirkel Assen-Oost": [
        (
            30,
            [("aanbieders", "groot", "De wijkverpleging kent de cirkel niet en verwijst niet.")],
            ["Een vast aanspreekpunt bij de thuiszorg"],
            [],
        )
    ],
    "Voorbeeld Dorpscoöperatie Westerbork": [
        (
            55,
            [
                (
                    "regelgeving",
                    "zeer_groot",
                    "Onduidelijk wat vrijwilligers mogen zonder indicatie.",
                ),
                ("gemeente", "groot", "Elk jaar opnieuw subsidie aanvragen."),
            ],
            [],
            [],
        )
    ],
    # Better than a year ago: the latest report counts, so this one has no big knelpunt.
    "Voorbeeld Burennetwerk Emmerhout": [
        (400, [("gemeente", "zeer_groot", "Geen vaste contactpersoon bij de gemeente.")], [], []),
        (
            20,
            [("gemeente", "klein", "Sinds er een vaste contactpersoon is, gaat het beter.")],
            [],
            ["Vaste contactpersoon bij de gemeente"],
        ),
    ],
    "Voorbeeld Zorgzaam Dorp Ruinen": [
        (
            60,
            [("huisvesting", "groot", "Het dorpshuis wordt verkocht: geen plek voor de inloop.")],
            ["Een betaalbare ruimte in het dorp"],
            [],
        )
    ],
    "Voorbeeld Buurtcoöperatie Spangen": [
        (
            35,
            [("financien", "zeer_groot", "Geld voor de wijk zit in veel kleine, losse potjes.")],
            ["Eén budget voor de buurt, met zeggenschap van bewoners"],
            [],
        )
    ],
    "Voorbeeld Voorzorgcirkel Bospolder": [
        (
            50,
            [("vrijwilligers", "klein", "Twee leden zijn verhuisd.")],
            ["Een plek om samen te komen"],
            [],
        )
    ],
    "Voorbeeld Bewonersbedrijf Oude Westen": [
        (
            25,
            [
                (
                    "regelgeving",
                    "groot",
                    "Aanbestedingen passen niet bij een bedrijf van bewoners.",
                ),
                ("financien", "klein", "Startkapitaal voor de aandelen is krap."),
            ],
            [],
            ["Veertig bewoners zijn aandeelhouder"],
        )
    ],
    "Voorbeeld Burenhulp Tussendijken": [
        (
            45,
            [("anders", "klein", "Niet iedereen in de buurt spreekt Nederlands.")],
            [],
            ["Hulp in vijf talen"],
        )
    ],
    "Voorbeeld Mantelzorgcafé Delfshaven": [
        (
            15,
            [("aanbieders", "groot", "Zorgaanbieders verwijzen mantelzorgers nog weinig door.")],
            [],
            [],
        )
    ],
    "Voorbeeld Stadsdorp Kralingen": [
        (
            70,
            [("financien", "klein", "De contributie dekt net de kosten.")],
            [],
            ["Een eigen buurtkamer"],
        )
    ],
}

# Public submissions waiting for a coordinator, and a reader's correction report.
# (name, type, CBS code, place, summary, activities, days ago)
EXAMPLE_SUBMISSIONS = [
    (
        "Voorbeeld Voorzorgcirkel De Eik",
        "voorzorgcirkel",
        "GM0106",
        "Assen",
        "Twaalf buren in één straat spreken af op elkaar te letten.",
        ["huisbezoek"],
        6,
    ),
    (
        "Voorbeeld Buurtcoöperatie Bloemhof",
        "dorps-buurtcooperatie",
        "GM0599",
        "Rotterdam",
        "Bewoners van Bloemhof regelen samen klussen en vervoer.",
        ["klussen", "vervoer"],
        4,
    ),
    (
        "Voorbeeld Zorgcoöperatie Koekange",
        "zorgcooperatie",
        "GM1690",
        "Koekange",
        "Een coöperatie die zorg en hulp in het dorp regelt.",
        ["zorgcoordinatie", "maaltijden"],
        2,
    ),
    (
        "Voorbeeld Eettafel Geuzenveld",
        "bewonersinitiatief",
        "GM0363",
        "Amsterdam",
        "Elke donderdag samen eten in het buurthuis.",
        ["maaltijden", "ontmoeting"],
        1,
    ),
]
EXAMPLE_CORRECTION = {
    "initiative": "Voorbeeld Burenhulp Tussendijken",
    "message": "Voorbeeld: de inloop is verhuisd naar het buurthuis aan de overkant; het adres "
    "op deze pagina klopt niet meer.",
    "reporter_name": "Voorbeeld Melder",
    "reporter_email": f"voorbeeld-melder@{EXAMPLE_DOMAIN}",
}


def example_email(kind: str, number: int) -> str:
    return f"voorbeeld-{kind}-{number}@{EXAMPLE_DOMAIN}"


class Command(BaseCommand):
    help = "Load the demo meetings and initiatives from the seed documents (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--example-data",
            action="store_true",
            help="Also add the example data (sign-ups, check-ins, knelpunten, submissions) "
            "with DEBUG off. In development (DEBUG on) it is always added.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        example_data = settings.DEBUG or options["example_data"]
        initiatives = {spec["slug"]: seed_initiative(spec) for spec in INITIATIVES}

        organisations = {
            spec["slug"]: seed_organisation(spec, initiatives) for spec in ORGANISATIONS
        }
        organiser = coordinator = None
        if settings.DEBUG:
            organiser, coordinator = self._demo_users()
            self._demo_teams(organiser, organisations)

        series_spec = dict(SERIES)
        series, _ = Series.objects.update_or_create(
            slug=series_spec.pop("slug"),
            defaults={
                **series_spec,
                "organisation": organisations[series_spec.pop("organisation")],
            },
        )

        today = timezone.localdate()
        for spec in events_spec(today):
            spec = dict(spec)
            slug = spec.pop("slug")
            hosts = spec.pop("hosts")
            programme = spec.pop("programme")
            event, _ = Event.objects.update_or_create(
                slug=slug,
                defaults={
                    **spec,
                    "organisation": organisations[EVENT_ORGANISATION[slug]],
                    "series": series if slug in EVENT_SERIES else None,
                    "status": Event.Status.PUBLISHED,
                    "languages": "nl",
                },
            )
            event.hosts.set([initiatives[h] for h in hosts])
            keep = []
            for start, end, title, kind, host, description in programme:
                item, _ = ProgrammeItem.objects.update_or_create(
                    event=event,
                    title=title,
                    defaults={
                        "start_time": start,
                        "end_time": end,
                        "kind": kind,
                        "host": host,
                        "description": description,
                    },
                )
                keep.append(item.pk)
            event.programme.exclude(pk__in=keep).delete()
            if slug == "bestuurdersevent-krachtige-kernen":
                self._vraagstuk_question(event)
                self._live_rounds(event)
        # After the loop: the report's agreement is due on the meet-up's date.
        example_summary = self._example_data(initiatives) if example_data else ""

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Event.objects.count()} meetings, "
                f"{Organisation.objects.count()} organisations, "
                f"{Initiative.objects.count()} initiatives."
            )
        )
        if organiser:
            self.stdout.write(
                f"Demo logins (development only): organiser '{organiser.username}' (owner "
                f"of the three organisations), door volunteer '{DOOR_USERNAME}' (Zorgvrijstaat) "
                f"and coordinator '{coordinator.username}', password '{DEMO_PASSWORD}'."
            )
        self.stdout.write(
            example_summary or "Example data: none added (DEBUG is off; --example-data adds it)."
        )

    # Example data ------------------------------------------------------------------------

    def _example_data(self, initiatives: dict[str, Initiative]) -> str:
        """A report, sign-ups, check-ins, a frozen poll, knelpunten and a moderation queue
        (examples); returns what it made, in one line."""
        meetup = Event.objects.get(slug="meetup-zorgvrijstaat")
        kampen = Event.objects.get(slug="aftrap-het-8ste-werk-kampen")
        self._example_report(kampen, initiatives)
        self._example_meetup_signups(meetup)
        self._example_kampen_visitors(kampen)
        self._example_kampen_poll(kampen)
        self._example_knelpunten()
        self._example_submissions()
        self._example_correction()
        return self._example_summary(meetup, kampen)

    def _example_meetup_signups(self, event: Event) -> None:
        """Fill the meet-up through the sign-up service, so capacity and waiting list hold.

        The service queues a confirmation email for each; those are deleted in this same
        transaction, so nothing is ever sent (see _unsend).
        """
        if event.registration_state() != "open":
            return  # sign-up closed (the meeting is today and over): nothing to fill
        today = timezone.localdate()
        earlier_that_day = Counter()
        for number, (people, background, organisation, topic, days_ago) in enumerate(
            MEETUP_SIGNUPS, start=1
        ):
            # Signed up over the past weeks, in this order (the insight page draws the
            # sign-ups per day; first come, first served holds).
            when = aware(today - timedelta(days=days_ago), 9 + 2 * earlier_that_day[days_ago])
            when += timedelta(minutes=number * 17 % 60)
            earlier_that_day[days_ago] += 1
            email = example_email("deelnemer", number)
            if event.registrations.filter(email=email).exists():
                continue  # also when cancelled in the demo meanwhile
            try:
                signup = services.registration_create(
                    event=event,
                    name=f"Voorbeeld Deelnemer {number}",
                    email=email,
                    background=background,
                    organisation=organisation,
                    party_size=people,
                    topic=topic,
                )
            except services.RegistrationError:
                break  # the meeting changed in the demo (a new required question …)
            self._unsend(signup.registration)
            moved = {"created_at": when}
            if signup.registration.status == Registration.Status.WAITLIST:
                moved["waitlisted_at"] = when
            Registration.objects.filter(pk=signup.registration.pk).update(**moved)

    @staticmethod
    def _unsend(registration: Registration) -> None:
        """Delete the emails the sign-up service queued for an example registration.

        The send task claims an email by its id and skips one that is gone, whether it
        runs when this transaction commits (the immediate backend of development) or
        later in the db_worker (the database backend): no example address is ever mailed,
        and no email is recorded as sent that never was.
        """
        registration.emails.all().delete()

    def _example_kampen_visitors(self, event: Event) -> None:
        """Attendees of the past visit: most checked in, a few no-shows, one cancellation.

        Written directly: the sign-up service refuses a meeting that is over (only an
        organiser may add someone then) and would queue emails.
        """
        if event.registrations.filter(erased_at__isnull=False).exists():
            # The retention policy erased them (their anonymised rows still count): adding
            # them again would double the figures.
            return
        question = self._kampen_question(event)
        choices = list(question.choices.order_by("position"))
        for number, (people, background, came, days_before, choice) in enumerate(
            KAMPEN_VISITORS, start=1
        ):
            email = example_email("bezoeker", number)
            if event.registrations.filter(email=email).exists():
                continue
            signed_up = event.starts_at - timedelta(days=days_before, hours=number % 9)
            registration = Registration.objects.create(
                event=event,
                name=f"Voorbeeld Bezoeker {number}",
                email=email,
                background=background,
                party_size=people,
                status=(
                    Registration.Status.CANCELLED if came is None else Registration.Status.CONFIRMED
                ),
                cancelled_at=signed_up + timedelta(days=2) if came is None else None,
                checked_in_at=(
                    event.starts_at - timedelta(minutes=20) + timedelta(minutes=number)
                    if came
                    else None
                ),
            )
            Registration.objects.filter(pk=registration.pk).update(created_at=signed_up)
            if came is not None:
                answers_save(
                    registration=registration,
                    answers=[AnswerValue(question=question, choices=[choices[choice]])],
                )

    def _kampen_question(self, event: Event) -> Question:
        """A simple choice on the past visit's sign-up form, so its insight page has answers."""
        question, _ = Question.objects.update_or_create(
            event=event,
            label=KAMPEN_QUESTION,
            defaults={
                "kind": Question.Kind.ONE_CHOICE,
                "required": False,
                "position": 1,
                "help_text": "Voorbeeldvraag voor de demo.",
            },
        )
        for position, label in enumerate(KAMPEN_QUESTION_CHOICES, start=1):
            QuestionChoice.objects.update_or_create(
                question=question, label=label, defaults={"position": position}
            )
        return question

    def _example_kampen_poll(self, event: Event) -> None:
        """A closed poll with example votes, frozen into the visit's report as an outcome."""
        poll = event.live_rounds.filter(title=KAMPEN_POLL_TITLE).first()
        if poll is None:
            poll = services.live_round_create(
                event=event,
                kind=LiveRound.Kind.ONE_CHOICE,
                title=KAMPEN_POLL_TITLE,
                options=KAMPEN_POLL_OPTIONS,
            )
            services.live_round_open(round=poll)
            options = list(poll.options.order_by("position"))
            for number, option in enumerate(KAMPEN_POLL_VOTES, start=1):
                services.live_vote(
                    round=poll,
                    participant=f"voorbeeld-{number}",
                    choices={options[option].pk: 1},
                )
            poll = services.live_round_close(round=poll)
        report = Report.objects.filter(event=event).first()
        if (
            report
            and poll.state == LiveRound.State.CLOSED
            and not report.outcomes.filter(round=poll).exists()
        ):
            services.report_outcome_freeze(report=report, round=poll)

    def _example_knelpunten(self) -> None:
        """Example initiatives in Drenthe and Rotterdam, each with its knelpunten reports."""
        today = timezone.localdate()
        for name, kind, code, place, neighbourhood, lat, lon, summary in EXAMPLE_INITIATIVES:
            initiative = seed_initiative(
                {
                    "slug": slugify(name),
                    "name": name,
                    "initiative_type": kind,
                    "municipality": code,
                    "place": place,
                    "neighbourhood": neighbourhood,
                    "latitude": lat,
                    "longitude": lon,
                    "summary": f"Voorbeeld (demo). {summary}",
                    "description": EXAMPLE_INITIATIVE_NOTE,
                    "is_synthetic": True,
                }
            )
            if initiative.bottleneck_reports.exists():
                continue  # reports are never edited, only added: these are in already
            for days_ago, bottlenecks, needs, successes in EXAMPLE_KNELPUNTEN[name]:
                initiative_services.bottleneck_report_create(
                    initiative=initiative,
                    bottlenecks=bottlenecks,
                    needs=needs,
                    successes=successes,
                    source=BottleneckReport.Source.INITIATIVE,
                    reported_on=today - timedelta(days=days_ago),
                )

    def _example_submissions(self) -> None:
        """Public submissions waiting for a coordinator, found again by the submitter's address.

        The service emails the submitter when given an address; the example address is
        filled in afterwards, so nothing is queued.
        """
        now = timezone.now()
        for number, (name, kind, code, place, summary, activities, days_ago) in enumerate(
            EXAMPLE_SUBMISSIONS, start=1
        ):
            email = example_email("inzender", number)
            if Initiative.objects.filter(submitter_email=email).exists():
                continue  # also when a coordinator has accepted or rejected it meanwhile
            submission = initiative_services.initiative_submit(
                name=name,
                initiative_type=InitiativeType.objects.get(slug=kind),
                municipality=Municipality.objects.get(code=code),
                place=place,
                summary=f"Voorbeeld (demo). {summary}",
                description=EXAMPLE_INITIATIVE_NOTE,
                activities=Activity.objects.filter(slug__in=activities),
                submitter_name=f"Voorbeeld Inzender {number}",
                submitter_email="",
            )
            Initiative.objects.filter(pk=submission.pk).update(
                submitter_email=email,
                is_synthetic=True,
                created_at=now - timedelta(days=days_ago, hours=number),
            )

    def _example_correction(self) -> None:
        """A reader's correction report on a published (example) initiative."""
        spec = dict(EXAMPLE_CORRECTION)
        initiative = Initiative.objects.get(slug=slugify(spec.pop("initiative")))
        if not initiative.correction_reports.filter(reporter_email=spec["reporter_email"]).exists():
            initiative_services.correction_report_create(initiative=initiative, **spec)

    def _example_summary(self, meetup: Event, kampen: Event) -> str:
        example = f"@{EXAMPLE_DOMAIN}"
        kampen_visitors = kampen.registrations.exclude(status=Registration.Status.CANCELLED)
        example_initiatives = Initiative.objects.filter(
            is_synthetic=True, name__startswith="Voorbeeld "
        )
        return (
            f"Example data (names 'Voorbeeld …', addresses {example}; no email sent): "
            f"meet-up {meetup.confirmed_people()}/{meetup.capacity} places taken, "
            f"{meetup.registrations.filter(status=Registration.Status.WAITLIST).count()} on "
            f"the waiting list; Kampen visit {kampen_visitors.count()} sign-ups, "
            f"{kampen_visitors.filter(checked_in_at__isnull=False).count()} checked in; "
            f"{example_initiatives.filter(bottleneck_reports__isnull=False).distinct().count()} "
            f"initiatives with knelpunten; "
            f"{example_initiatives.filter(publication=Initiative.Publication.PENDING).count()} "
            f"submissions and "
            f"{CorrectionReport.objects.filter(reporter_email__endswith=example).count()} "
            f"correction report for moderation."
        )

    def _demo_users(self):
        User = get_user_model()
        users = []
        for username, group_name, staff in (
            ("organisator", "Organisatoren", False),
            ("coordinator", "Coördinatoren", True),
        ):
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org", "is_staff": staff}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=group_name))
            users.append(user)
        return users

    def _live_rounds(self, event: Event) -> None:
        """Contract: an open single-choice poll over the six pitched vraagstukken, a question
        wall. Only one round is open at a time: the poll is open, the wall waits as a draft.

        Idempotent: rounds are found by title; options are set only while nobody voted.
        """
        pitches = list(
            event.programme.filter(kind=K.PITCH)
            .order_by("start_time", "pk")
            .values_list("title", flat=True)
        )
        poll = event.live_rounds.filter(title=LIVE_POLL_TITLE).first()
        if poll is None:
            poll = services.live_round_create(
                event=event, kind=LiveRound.Kind.ONE_CHOICE, title=LIVE_POLL_TITLE, options=pitches
            )
        elif (
            not poll.votes.exists()
            and list(poll.options.values_list("label", flat=True)) != pitches
        ):
            LiveRound.objects.filter(pk=poll.pk).update(state=LiveRound.State.DRAFT)
            poll.refresh_from_db()
            services.live_round_update(round=poll, title=LIVE_POLL_TITLE, options=pitches)
        if not event.live_rounds.filter(title=LIVE_WALL_TITLE).exists():
            services.live_round_create(
                event=event, kind=LiveRound.Kind.QUESTIONS, title=LIVE_WALL_TITLE, moderated=True
            )
        if poll.state != LiveRound.State.OPEN:
            services.live_round_open(round=poll)

    def _example_report(self, event: Event, initiatives) -> None:
        """A published report for the past Kampen visit, marked as example data. Written
        directly, so nobody is emailed; idempotent."""
        meetup = Event.objects.filter(slug="meetup-zorgvrijstaat").first()
        report, created = Report.objects.get_or_create(event=event)
        if created or not report.published_at:
            now = timezone.now()
            Report.objects.filter(pk=report.pk).update(
                summary=EXAMPLE_REPORT_SUMMARY, published_at=now, attendees_notified_at=now
            )
        if not report.agreements.exists():
            ReportAgreement.objects.create(
                report=report,
                what="Het gesprek vervolgen bij Zorgvrijstaat in Rotterdam, zonder dat het bij "
                "‘alleen praten’ blijft (voorbeeld).",
                initiative=initiatives["zorgvrijstaat"],
                due_on=timezone.localdate(meetup.starts_at) if meetup else None,
                position=1,
            )
            ReportAgreement.objects.create(
                report=report,
                what="Medestanders uitnodigen uit andere burgerinitiatieven (voorbeeld).",
                initiative=initiatives["het-8ste-werk"],
                position=2,
            )

    def _vraagstuk_question(self, event: Event) -> None:
        """Contract: a required single choice over the six pitched vraagstukken."""
        question, _ = Question.objects.update_or_create(
            event=event,
            label=VRAAGSTUK_QUESTION,
            defaults={
                "kind": Question.Kind.ONE_CHOICE,
                "required": True,
                "position": 1,
                "help_text": "Kies er één. Dan weten we wie er de komende jaren aan werkt.",
            },
        )
        pitches = event.programme.filter(kind=K.PITCH).order_by("start_time", "pk")
        keep = []
        for position, pitch in enumerate(pitches, start=1):
            choice, _ = QuestionChoice.objects.update_or_create(
                question=question, label=pitch.title, defaults={"position": position}
            )
            keep.append(choice.pk)
        question.choices.exclude(pk__in=keep).filter(answers__isnull=True).delete()

    def _demo_teams(self, owner, organisations: dict[str, Organisation]) -> None:
        """The demo owner in every seed organisation, a door volunteer, a pending invitation."""
        for organisation in organisations.values():
            Membership.objects.update_or_create(
                organisation=organisation, user=owner, defaults={"role": Role.OWNER}
            )
        User = get_user_model()
        volunteer, created = User.objects.get_or_create(
            username=DOOR_USERNAME,
            defaults={
                "email": f"{DOOR_USERNAME}@example.org",
                "first_name": "Voorbeeld Vrijwilliger",
            },
        )
        if created:
            volunteer.set_password(DEMO_PASSWORD)
            volunteer.save()
        Membership.objects.update_or_create(
            organisation=organisations["zorgvrijstaat"],
            user=volunteer,
            defaults={"role": Role.DOOR},
        )
        invitation = (
            Invitation.objects.filter(
                organisation=organisations["zorgzaam-nieuw-west"],
                email__iexact=DEMO_INVITEE,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
            ).first()
        ) or Invitation(
            organisation=organisations["zorgzaam-nieuw-west"],
            email=DEMO_INVITEE,
            role=Role.ORGANISER,
            invited_by=owner,
        )
        if (
            invitation.pk is None
            or invitation.expires_at <= timezone.now() + INVITATION_VALID_FOR / 2
        ):
            invitation.expires_at = timezone.now() + INVITATION_VALID_FOR
            invitation.save()


VRAAGSTUK_QUESTION = "Aan welk maatschappelijk vraagstuk wil je werken?"
LIVE_POLL_TITLE = "Welk vraagstuk pakken we als eerste op?"
LIVE_WALL_TITLE = "Vragen aan de bestuurders"
DOOR_USERNAME = "vrijwilliger"
DEMO_INVITEE = "nieuwe.collega@example.org"
DEMO_PASSWORD = "zorgzaam-demo"  # noqa: S105 - development only, printed on purpose
