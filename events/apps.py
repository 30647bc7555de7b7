from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from initiatives.signals import initiative_merged
        from zorgzaam import personal_data
        from zorgzaam.roles import ensure_groups

        from .models import Question, QuestionChoice
        from .personal_data import EventsPersonalData
        from .receivers import choice_changed, move_hosts_on_merge, question_changed

        personal_data.register(EventsPersonalData())
        # Merging two catalogue entries moves the meetings' hosts to the one that stays.
        initiative_merged.connect(move_hosts_on_merge, dispatch_uid="events_move_hosts_on_merge")
        # The sign-up form's questions are cached per version of a meeting's questions.
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(question_changed, sender=Question, dispatch_uid=f"question_{name}")
            signal.connect(choice_changed, sender=QuestionChoice, dispatch_uid=f"choice_{name}")
        # Runs after the last app's post_migrate too, when every permission exists.
        post_migrate.connect(ensure_groups, dispatch_uid="events_ensure_groups")
