from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from initiatives.signals import initiative_merged
        from zorgzaam import personal_data
        from zorgzaam.roles import ensure_groups

        from .personal_data import EventsPersonalData
        from .receivers import move_hosts_on_merge

        personal_data.register(EventsPersonalData())
        # Merging two catalogue entries moves the meetings' hosts to the one that stays.
        initiative_merged.connect(move_hosts_on_merge, dispatch_uid="events_move_hosts_on_merge")
        # Runs after the last app's post_migrate too, when every permission exists.
        post_migrate.connect(ensure_groups, dispatch_uid="events_ensure_groups")
