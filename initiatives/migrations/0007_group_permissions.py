"""The catalogue grants its own permissions to the site's groups (zorgzaam/roles.py).

Organisers may look entries up (to name a meeting's hosts); coordinators curate them. The
groups may not exist yet on a new database: whichever app's migration runs first makes
them. (Until this migration, the meetings' migration granted these; granting again
changes nothing.)
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "Organisatoren": {"initiative": ["view"]},
    "Coördinatoren": {"initiative": ["add", "change", "delete", "view"]},
}


def grant_initiative_permissions(apps, schema_editor):
    app_config = apps.get_app_config("initiatives")
    stub = getattr(app_config, "models_module", None) is None
    if stub:
        app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, verbosity=0, apps=apps)
    if stub:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for model, actions in models.items():
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(
                        content_type__app_label="initiatives", codename=f"{action}_{model}"
                    )
                )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0006_pending_import"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_initiative_permissions, migrations.RunPython.noop)]
