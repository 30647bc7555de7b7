"""A number raised at every change of a meeting's sign-up questions (the cache key)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0014_answer_choices_removed"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="questions_version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
