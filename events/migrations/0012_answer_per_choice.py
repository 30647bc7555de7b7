"""One answer row per chosen answer, instead of one row with a list of chosen answers.

A sign-up's answers are then written in one statement, and an answer's places are counted
from its own rows. Existing answers are split: the first chosen answer moves onto the row,
each further one gets a row of its own.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The new column; 0013 moves the data, 0014 removes the old table (three
    transactions: PostgreSQL does not change a table it has pending row checks on)."""

    dependencies = [
        ("events", "0011_series_followers"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="answer",
            options={
                "ordering": ["question__position", "question_id", "choice__position", "choice_id"],
                "verbose_name": "answer",
                "verbose_name_plural": "answers",
            },
        ),
        migrations.RemoveConstraint(
            model_name="answer",
            name="answer_unique",
        ),
        migrations.AddField(
            model_name="answer",
            name="choice",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="events.questionchoice",
                verbose_name="chosen answer",
            ),
        ),
    ]
