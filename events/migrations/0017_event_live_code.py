import secrets

from django.db import migrations, models


def fill_live_codes(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    taken = set()
    for event in Event.objects.filter(live_code__isnull=True).only("pk"):
        code = f"{secrets.randbelow(10**6):06d}"
        while code in taken:
            code = f"{secrets.randbelow(10**6):06d}"
        taken.add(code)
        Event.objects.filter(pk=event.pk).update(live_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0016_live"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="live_code",
            field=models.CharField(
                editable=False, max_length=6, null=True, verbose_name="live code"
            ),
        ),
        migrations.RunPython(fill_live_codes, migrations.RunPython.noop),
    ]
