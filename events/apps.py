from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zorgzaam import personal_data

        from .personal_data import EventsPersonalData
        from .roles import ensure_groups

        personal_data.register(EventsPersonalData())

        # Runs after the last app's post_migrate too, when every permission exists.
        post_migrate.connect(ensure_groups, dispatch_uid="events_ensure_groups")
