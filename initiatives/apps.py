from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Initiatives")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .reference_data import ensure_loaded
        from .search import ensure_index

        post_migrate.connect(ensure_index, sender=self, dispatch_uid="initiatives_search_index")
        # A flush (between transactional tests) empties the reference tables; reload them.
        post_migrate.connect(ensure_loaded, sender=self, dispatch_uid="initiatives_reference")
