"""Reference data: provinces and the 342 municipalities of 2025, the Dutch taxonomy terms,
the search index, and the move from the old `kind` choice to the type taxonomy.

The data itself is in initiatives/reference_data.py and reference/municipalities_2025.csv.
"""

import unicodedata

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

from initiatives import reference_data

KIND_TO_TYPE = {
    "zorgcooperatie": "zorgcooperatie",
    "dorpscooperatie": "dorps-buurtcooperatie",
    "voorzorgcirkel": "voorzorgcirkel",
    "naoberzorg": "naoberzorg",
    "wijkbedrijf": "wijkbedrijf",
    "bewonersinitiatief": "bewonersinitiatief",
    "netwerk": "netwerk",
    "kennisinstelling": "kennisinstelling",
}

TAXONOMY_MODELS = ["initiativetype", "approach", "activity", "targetgroup", "theme", "partnerkind"]

# SQLite: an FTS5 index with the trigram tokenizer over Initiative.search_document, so any
# part of a word (a part of a compound such as "cirkel" in "voorzorgcirkel") is found
# through the index. Triggers keep it in step with the table, also for bulk inserts.
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE initiatives_search USING fts5("
    "search_document, content='initiatives_initiative', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER initiatives_search_ai AFTER INSERT ON initiatives_initiative BEGIN "
    "INSERT INTO initiatives_search(rowid, search_document) "
    "VALUES (new.id, new.search_document); END",
    "CREATE TRIGGER initiatives_search_ad AFTER DELETE ON initiatives_initiative BEGIN "
    "INSERT INTO initiatives_search(initiatives_search, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); END",
    "CREATE TRIGGER initiatives_search_au AFTER UPDATE OF search_document "
    "ON initiatives_initiative BEGIN "
    "INSERT INTO initiatives_search(initiatives_search, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); "
    "INSERT INTO initiatives_search(rowid, search_document) "
    "VALUES (new.id, new.search_document); END",
    "INSERT INTO initiatives_search(initiatives_search) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS initiatives_search_ai",
    "DROP TRIGGER IF EXISTS initiatives_search_ad",
    "DROP TRIGGER IF EXISTS initiatives_search_au",
    "DROP TABLE IF EXISTS initiatives_search",
]
# PostgreSQL: trigram GIN indexes make LIKE '%part%' on the normalised text use an index.
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS initiatives_search_document_trgm "
    "ON initiatives_initiative USING gin (search_document gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS initiatives_search_name_trgm "
    "ON initiatives_initiative USING gin (search_name gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS initiatives_search_document_trgm",
    "DROP INDEX IF EXISTS initiatives_search_name_trgm",
]


def _plain(text: str) -> str:
    # Frozen copy of initiatives.search.normalise, so this migration never changes.
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("noaber", "naober").split())


def load_reference_data(apps, schema_editor):
    reference_data.load(apps)


def move_kind_to_type(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    InitiativeType = apps.get_model("initiatives", "InitiativeType")
    types = {t.slug: t for t in InitiativeType.objects.all()}
    for initiative in Initiative.objects.all():
        initiative.initiative_type = types[KIND_TO_TYPE.get(initiative.kind, "anders")]
        initiative.publication = "published" if initiative.is_published else "archived"
        initiative.search_name = _plain(initiative.name)
        initiative.search_document = _plain(
            " ".join(
                [initiative.name, initiative.place, initiative.province, initiative.summary]
                + [initiative.description, initiative.initiative_type.name]
            )
        )
        initiative.save()


def grant_taxonomy_permissions(apps, schema_editor):
    """Coordinators keep the taxonomies up to date (in the admin)."""
    app_config = apps.get_app_config("initiatives")
    stub = getattr(app_config, "models_module", None) is None
    if stub:
        app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, verbosity=0, apps=apps)
    if stub:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coördinatoren")
    for model in TAXONOMY_MODELS + ["correctionreport", "initiativechange"]:
        actions = ["view"] if model == "initiativechange" else ["add", "change", "view"]
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label="initiatives", codename=f"{action}_{model}"
                )
            )


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_catalogue"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(load_reference_data, migrations.RunPython.noop),
        migrations.RunPython(move_kind_to_type, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="initiative",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("is_published", True), ("publication", "published")),
                    models.Q(
                        ("is_published", False),
                        models.Q(("publication", "published"), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="initiative_published_matches_publication",
            ),
        ),
        migrations.RunPython(grant_taxonomy_permissions, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
