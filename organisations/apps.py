from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zorgzaam import personal_data

        from .personal_data import OrganisationsPersonalData

        personal_data.register(OrganisationsPersonalData())
