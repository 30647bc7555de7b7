from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Activity,
    Approach,
    BottleneckReport,
    CorrectionReport,
    Initiative,
    InitiativeChange,
    InitiativeType,
    Municipality,
    PartnerKind,
    PendingImport,
    Province,
    ReportItem,
    TargetGroup,
    Theme,
)


class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "synonyms", "position"]
    list_editable = ["position"]
    search_fields = ["name", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}


for term_model in (InitiativeType, Approach, Activity, TargetGroup, Theme, PartnerKind):
    admin.site.register(term_model, TermAdmin)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "province"]
    list_filter = ["province"]
    search_fields = ["name", "code"]


class InitiativeChangeInline(admin.TabularInline):
    model = InitiativeChange
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "action", "user", "note", "changes"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "initiative_type",
        "municipality",
        "publication",
        "last_verified_on",
        "is_synthetic",
    ]
    list_filter = ["publication", "initiative_type", "municipality__province", "is_synthetic"]
    search_fields = ["name", "place", "summary", "municipality__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipality", "merged_into"]
    filter_horizontal = ["approaches", "activities", "target_groups", "themes", "partner_kinds"]
    list_select_related = ["initiative_type", "municipality"]
    inlines = [InitiativeChangeInline]


@admin.register(CorrectionReport)
class CorrectionReportAdmin(admin.ModelAdmin):
    list_display = ["initiative", "state", "created_at"]
    list_filter = ["state"]


@admin.register(InitiativeChange)
class InitiativeChangeAdmin(admin.ModelAdmin):
    list_display = ["initiative", "action", "user", "created_at"]
    list_filter = ["action"]
    readonly_fields = ["initiative", "action", "user", "note", "changes", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReportItemInline(admin.TabularInline):
    model = ReportItem
    extra = 0
    fields = ["kind", "category", "severity", "description"]


@admin.register(BottleneckReport)
class BottleneckReportAdmin(admin.ModelAdmin):
    list_display = ["initiative", "reported_on", "source"]
    list_filter = ["source", "reported_on"]
    search_fields = ["initiative__name"]
    raw_id_fields = ["initiative", "user"]
    date_hierarchy = "reported_on"
    inlines = [ReportItemInline]


@admin.register(ReportItem)
class ReportItemAdmin(admin.ModelAdmin):
    list_display = ["report", "kind", "category", "severity", "description"]
    list_filter = ["kind", "category", "severity"]
    list_select_related = ["report__initiative"]
    raw_id_fields = ["report"]


@admin.register(PendingImport)
class PendingImportAdmin(admin.ModelAdmin):
    """Previews waiting for their coordinator's confirmation: who and when, not the rows."""

    list_display = ["user", "created_at", "row_count"]
    fields = ["user", "created_at", "row_count"]
    readonly_fields = fields
    date_hierarchy = "created_at"

    @admin.display(description=_("rows"))
    def row_count(self, obj) -> int:
        return len(obj.rows)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
