"""Demo data from the seed documents: three meetings and the initiatives they name.

Idempotent: every object is found by its natural key and updated, so running the
command twice changes nothing. Dates are the next occurrence of the seed's date.
"""

from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from events import services
from events.models import (
    Event,
    LiveRound,
    ProgrammeItem,
    Question,
    QuestionChoice,
    Report,
    ReportAgreement,
    Series,
)
from initiatives.models import Approach, Initiative, InitiativeType, Municipality
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


class Command(BaseCommand):
    help = "Load the demo meetings and initiatives from the seed documents (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
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
            if slug == "aftrap-het-8ste-werk-kampen" and settings.DEBUG:
                self._example_report(event, initiatives)

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
        """A published report for the past Kampen visit, marked as example data (development
        only). Written directly, so nobody is emailed; idempotent."""
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
