"""Split each answer's chosen answers into rows of their own (see 0012)."""

from django.db import migrations


def split_choices(apps, schema_editor):
    Answer = apps.get_model("events", "Answer")
    Link = Answer.choices.through
    extra = []
    seen = set()
    links = Link.objects.select_related("answer", "questionchoice").order_by(
        "answer_id", "questionchoice__position", "questionchoice_id"
    )
    for link in links.iterator():
        answer = link.answer
        if answer.pk not in seen:
            seen.add(answer.pk)
            Answer.objects.filter(pk=answer.pk).update(choice_id=link.questionchoice_id)
        else:
            extra.append(
                Answer(
                    registration_id=answer.registration_id,
                    question_id=answer.question_id,
                    choice_id=link.questionchoice_id,
                )
            )
    Answer.objects.bulk_create(extra, batch_size=500)


def join_choices(apps, schema_editor):
    Answer = apps.get_model("events", "Answer")
    Link = Answer.choices.through
    kept = {}
    for answer in Answer.objects.filter(choice__isnull=False).order_by("pk").iterator():
        key = (answer.registration_id, answer.question_id)
        first = kept.setdefault(key, answer.pk)
        Link.objects.create(answer_id=first, questionchoice_id=answer.choice_id)
        if first != answer.pk:
            Answer.objects.filter(pk=answer.pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_answer_per_choice"),
    ]

    operations = [migrations.RunPython(split_choices, join_choices)]
