"""How meetings follow what happens elsewhere on the site."""

from django.db.models import F


def move_hosts_on_merge(sender, *, source, target, **kwargs) -> None:
    """Meetings hosted by a duplicate entry now belong to the entry that stays."""
    for event in source.events.all():
        event.hosts.add(target)


def question_changed(sender, *, instance, **kwargs) -> None:
    """A question was saved or deleted: its meeting's cached questions are old now."""
    from .models import Event

    Event.objects.filter(pk=instance.event_id).update(questions_version=F("questions_version") + 1)


def choice_changed(sender, *, instance, **kwargs) -> None:
    """An answer to choose was saved or deleted (with its question, the question's own
    receiver raises the version too)."""
    from .models import Event

    Event.objects.filter(questions__pk=instance.question_id).update(
        questions_version=F("questions_version") + 1
    )
