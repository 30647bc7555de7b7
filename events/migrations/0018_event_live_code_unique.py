from django.db import migrations, models


class Migration(migrations.Migration):
    """Unique and required, in its own transaction after 0017 filled every meeting's code."""

    dependencies = [
        ("events", "0017_event_live_code"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="live_code",
            field=models.CharField(
                editable=False, max_length=6, unique=True, verbose_name="live code"
            ),
        ),
    ]
