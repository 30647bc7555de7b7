from django.contrib import admin

from .models import Initiative


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "place", "province", "is_published", "is_synthetic"]
    list_filter = ["kind", "province", "is_published", "is_synthetic"]
    search_fields = ["name", "place", "summary"]
    prepopulated_fields = {"slug": ["name"]}
