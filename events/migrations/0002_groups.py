from django.contrib.auth.management import create_permissions
from django.db import migrations

ORGANISERS = "Organisatoren"
COORDINATORS = "Coördinatoren"

# Organisers run their own meetings; coordinators also curate the initiative catalogue.
# Which events an organiser may touch is decided per event (Event.organisers), not here.
# Each app grants its own models' permissions: the catalogue's are in initiatives/0007.
PERMISSIONS = {
    ORGANISERS: [
        ("events", "event", ["add", "change", "view"]),
        ("events", "programmeitem", ["add", "change", "delete", "view"]),
        ("events", "registration", ["add", "change", "view"]),
        ("events", "outgoingemail", ["view"]),
    ],
    COORDINATORS: [
        ("events", "event", ["add", "change", "view"]),
        ("events", "programmeitem", ["add", "change", "delete", "view"]),
        ("events", "registration", ["add", "change", "view"]),
        ("events", "outgoingemail", ["view"]),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so groups get them.
    for label in ("events",):
        app_config = apps.get_app_config(label)
        stub = getattr(app_config, "models_module", None) is None
        if stub:
            app_config.models_module = True  # the migration state's stub lacks it
        create_permissions(app_config, verbosity=0, apps=apps)
        if stub:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, rules in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in rules:
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(
                        content_type__app_label=app_label,
                        codename=f"{action}_{model}",
                    )
                )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("initiatives", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
