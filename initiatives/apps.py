from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Initiatives")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zorgzaam import personal_data

        from .personal_data import InitiativesPersonalData
        from .reference_data import ensure_loaded
        from .search import ensure_index

        personal_data.register(InitiativesPersonalData())

        post_migrate.connect(ensure_index, sender=self, dispatch_uid="initiatives_search_index")
        # A flush (between transactional tests) empties the reference tables; reload them.
        post_migrate.connect(ensure_loaded, sender=self, dispatch_uid="initiatives_reference")
        self._invalidate_facets_on_change()

    def _invalidate_facets_on_change(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .selectors import catalogue_changed

        # A pending import is a coordinator's preview, not yet part of the catalogue.
        for model in self.get_models():
            if model is self.get_model("PendingImport"):
                continue
            for signal in (post_save, post_delete):
                signal.connect(catalogue_changed, sender=model, dispatch_uid=f"facets-{model}")
        for field in self.get_model("Initiative")._meta.many_to_many:
            m2m_changed.connect(
                catalogue_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"facets-m2m-{field.name}",
            )
