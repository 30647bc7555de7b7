"""Synthetic initiatives for load and benchmark runs, clearly marked as synthetic."""

import random
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from initiatives.models import (
    Activity,
    Approach,
    BottleneckReport,
    Initiative,
    InitiativeType,
    Municipality,
    ReportItem,
    TargetGroup,
    Theme,
)
from initiatives.search import normalise
from initiatives.selectors import catalogue_changed

# Rough centre of each province (by CBS code), so synthetic markers land in the right part
# of the country. Synthetic data only: real entries get their own coordinates.
PROVINCE_CENTRES = {
    "PV20": (53.22, 6.74),
    "PV21": (53.11, 5.85),
    "PV22": (52.86, 6.62),
    "PV23": (52.44, 6.45),
    "PV24": (52.53, 5.60),
    "PV25": (52.06, 5.95),
    "PV26": (52.08, 5.18),
    "PV27": (52.58, 4.87),
    "PV28": (51.99, 4.49),
    "PV29": (51.49, 3.85),
    "PV30": (51.56, 5.20),
    "PV31": (51.20, 5.93),
}
# Name patterns per type; accents and compounds on purpose, and both naoberzorg spellings.
NAMES = {
    "zorgcooperatie": ["Zorgcoöperatie {place}", "Coöperatie Zorg en Welzijn {place}"],
    "dorps-buurtcooperatie": ["Dorpscoöperatie {place}", "Buurtcoöperatie {wijk}"],
    "voorzorgcirkel": ["Voorzorgcirkel {wijk}", "Voorzorgcirkel De Eendracht {place}"],
    "naoberzorg": ["Naoberzorg {place}", "Noaberzorg {place}", "Stichting Noaberhulp {place}"],
    "zorgzaam-dorp-buurt": ["Zorgzaam {place}", "Zorgzame Buurt {wijk}"],
    "burennetwerk": ["Burennetwerk {wijk}", "Burenhulp Één voor Allen {place}"],
    "stadsdorp": ["Stadsdorp {wijk}"],
    "wijkbedrijf": ["Wijkbedrijf {wijk}", "Bewonersbedrijf Café Hé {place}"],
    "bewonersinitiatief": ["Bewonersinitiatief {wijk}", "Samen Sterk {place}"],
    "woonzorginitiatief": ["Knarrenhof {place}", "Woonzorgcoöperatie {place}"],
    "netwerk": ["Netwerk Zorgzame Gemeenschappen {place}"],
    "kennisinstelling": ["Kenniswerkplaats {place}"],
    "anders": ["Ontmoetingscentrum {wijk}", "Eetcafé Gezellig {place}"],
}
WIJKEN = ["Noord", "Oost", "Zuid", "West", "Centrum", "De Akkers", "Het Hoogveld", "Kerkbuurt"]
LEGAL_FORMS = [value for value, _label in Initiative.LegalForm.choices]
STATUSES = ["actief"] * 8 + ["in_oprichting", "gestopt"]
DESCRIPTION = (
    "{name} is een initiatief van bewoners in {place} ({municipality}). Vrijwilligers bieden "
    "{activities} voor {groups}. Zo kunnen mensen langer thuis blijven wonen en omzien naar "
    "elkaar. Dit is een synthetisch voorbeeld voor tests, geen echt initiatief."
)


NEEDS = [
    "Meer vrijwilligers voor vervoer",
    "Een vaste ruimte om elkaar te ontmoeten",
    "Structurele financiering van de dorpsondersteuner",
    "Een vast aanspreekpunt bij de gemeente",
    "Hulp bij de administratie",
]
SUCCESSES = [
    "Het eetcafé zit elke week vol",
    "Afspraken met de huisarts over doorverwijzen",
    "Nieuwe jonge vrijwilligers gevonden",
    "Subsidie voor drie jaar toegekend",
]
# Roughly the national picture: over half of the initiatives reports a big knelpunt.
SEVERITY_WEIGHTS = [("klein", 5), ("groot", 3), ("zeer_groot", 1)]
CATEGORY_WEIGHTS = [
    ("financien", 6),
    ("regelgeving", 4),
    ("gemeente", 4),
    ("aanbieders", 3),
    ("vrijwilligers", 4),
    ("huisvesting", 2),
    ("anders", 1),
]


class Command(BaseCommand):
    help = "Create N synthetic initiatives over all provinces, municipalities and types."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100, help="How many to create.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed (repeatable).")
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (production)."
        )

    def handle(self, *args, count: int, seed: int | None, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to add synthetic initiatives with DEBUG off (production). "
                "Use --force if you really mean it."
            )
        if count < 1 or count > 1_000_000:
            raise CommandError("--count must be between 1 and 1000000.")
        rng = random.Random(seed)  # noqa: S311 - test data, not security
        municipalities = list(Municipality.objects.select_related("province").order_by("code"))
        types = list(InitiativeType.objects.order_by("position"))
        if not municipalities or not types:
            raise CommandError("The municipalities and taxonomies are missing: run migrate first.")
        terms = {
            "activities": list(Activity.objects.all()),
            "target_groups": list(TargetGroup.objects.all()),
            "approaches": list(Approach.objects.all()),
            "themes": list(Theme.objects.all()),
        }
        batch = secrets.token_hex(3)
        created = 0
        for start in range(0, count, 500):
            size = min(500, count - start)
            with transaction.atomic():
                self._create_batch(rng, start, size, batch, municipalities, types, terms)
            created += size
        catalogue_changed()  # bulk inserts send no signals
        self._analyze()
        self.stdout.write(self.style.SUCCESS(f"Created {created} synthetic initiatives."))

    def _analyze(self):
        """Refresh the query planner's statistics, as after any bulk load.

        PostgreSQL analyses a table on its own only some time after a bulk insert, SQLite
        never: until then both plan the catalogue's queries as if the table were tiny
        (every published initiative walked through the publication index).
        """
        tables = [Initiative._meta.db_table] + [
            field.remote_field.through._meta.db_table for field in Initiative._meta.many_to_many
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

    def _create_batch(self, rng, start, size, batch, municipalities, types, terms):
        now = timezone.now()
        rows, chosen = [], []
        for offset in range(size):
            number = start + offset
            # Walk through every municipality and type before repeating one.
            municipality = municipalities[number % len(municipalities)]
            initiative_type = types[number % len(types)]
            wijk = rng.choice(WIJKEN)
            place = municipality.name
            name = rng.choice(NAMES.get(initiative_type.slug, NAMES["anders"])).format(
                place=place, wijk=f"{place}-{wijk}"
            )
            picks = {
                key: rng.sample(values, k=min(len(values), rng.randint(1, 3)))
                for key, values in terms.items()
            }
            lat, lng = PROVINCE_CENTRES.get(municipality.province.code, (52.2, 5.3))
            description = DESCRIPTION.format(
                name=name,
                place=place,
                municipality=municipality.name,
                activities=", ".join(t.name.lower() for t in picks["activities"]),
                groups=", ".join(t.name.lower() for t in picks["target_groups"]),
            )
            consent = rng.random() < 0.6
            document = " ".join(
                [name, description, place, municipality.name, municipality.province.name]
                + [initiative_type.name, initiative_type.synonyms]
                + [f"{t.name} {t.synonyms}" for values in picks.values() for t in values]
            )
            rows.append(
                Initiative(
                    name=name,
                    slug=f"{slugify(name)[:150]}-{batch}-{number}",
                    initiative_type=initiative_type,
                    summary=f"{initiative_type.name} in {place}.",
                    description=description,
                    legal_form=rng.choice(LEGAL_FORMS),
                    status=rng.choice(STATUSES),
                    founded_year=rng.randint(1995, now.year),
                    volunteers_count=rng.randint(3, 150),
                    members_count=rng.choice([None, rng.randint(20, 900)]),
                    municipality=municipality,
                    place=place,
                    neighbourhood=wijk,
                    postcode_area=str(rng.randint(1000, 9999)),
                    latitude=round(lat + rng.uniform(-0.25, 0.25), 5),
                    longitude=round(lng + rng.uniform(-0.3, 0.3), 5),
                    contact_name="Voorbeeld Contactpersoon" if consent else "",
                    contact_email=f"synthetisch+{batch}-{number}@example.org",
                    contact_consent=consent,
                    publication=Initiative.Publication.PUBLISHED,
                    is_published=True,
                    is_synthetic=True,
                    last_verified_on=(now - timezone.timedelta(days=rng.randint(0, 900))).date(),
                    last_verified_by="generate_initiatives",
                    search_document=normalise(document),
                    search_name=normalise(name)[:200],
                )
            )
            chosen.append(picks)
        created = Initiative.objects.bulk_create(rows)
        for key in terms:
            through = getattr(Initiative, key).through
            column = through._meta.get_field(
                {
                    "activities": "activity",
                    "target_groups": "targetgroup",
                    "approaches": "approach",
                    "themes": "theme",
                }[key]
            ).attname
            through.objects.bulk_create(
                [
                    through(initiative_id=initiative.pk, **{column: term.pk})
                    for initiative, picks in zip(created, chosen, strict=True)
                    for term in picks[key]
                ]
            )
        self._create_reports(rng, created, now)

    def _create_reports(self, rng, initiatives, now):
        """Knelpunten, needs and successes for most initiatives, some reported twice."""
        reports, contents = [], []
        for initiative in initiatives:
            if rng.random() < 0.25:
                continue
            for number in range(rng.choice([1, 1, 2])):
                days_ago = rng.randint(0, 300) + 365 * number
                reports.append(
                    BottleneckReport(
                        initiative_id=initiative.pk,
                        reported_on=(now - timezone.timedelta(days=days_ago)).date(),
                        source=BottleneckReport.Source.GENERATED,
                    )
                )
                categories = self._categories(rng)
                contents.append(
                    (
                        [
                            (category, rng.choices(*zip(*SEVERITY_WEIGHTS, strict=True))[0])
                            for category in categories
                        ],
                        rng.sample(NEEDS, k=rng.randint(0, 2)),
                        rng.sample(SUCCESSES, k=rng.randint(0, 2)),
                    )
                )
        reports = BottleneckReport.objects.bulk_create(reports)
        items = []
        for report, (bottlenecks, needs, successes) in zip(reports, contents, strict=True):
            for category, severity in bottlenecks:
                items.append(
                    ReportItem(
                        report_id=report.pk,
                        kind=ReportItem.Kind.BOTTLENECK,
                        category=category,
                        severity=severity,
                        description="Synthetisch voorbeeld.",
                    )
                )
            items += [
                ReportItem(report_id=report.pk, kind=ReportItem.Kind.NEED, description=text)
                for text in needs
            ]
            items += [
                ReportItem(report_id=report.pk, kind=ReportItem.Kind.SUCCESS, description=text)
                for text in successes
            ]
        ReportItem.objects.bulk_create(items)

    @staticmethod
    def _categories(rng) -> list[str]:
        """Up to three different categories, the common ones more often."""
        chosen = []
        for _attempt in range(rng.randint(0, 3)):
            category = rng.choices(*zip(*CATEGORY_WEIGHTS, strict=True))[0]
            if category not in chosen:
                chosen.append(category)
        return chosen
