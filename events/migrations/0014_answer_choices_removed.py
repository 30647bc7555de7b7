"""The old list of chosen answers goes; one row per chosen answer stays unique (see 0012)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0013_answer_split_choices"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="answer",
            name="choices",
        ),
        migrations.AlterField(
            model_name="answer",
            name="choice",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="events.questionchoice",
                verbose_name="chosen answer",
            ),
        ),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("choice__isnull", True)),
                fields=("registration", "question"),
                name="answer_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.UniqueConstraint(
                fields=("registration", "choice"), name="answer_choice_unique"
            ),
        ),
    ]
