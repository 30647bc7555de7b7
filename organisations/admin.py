from django.contrib import admin

from zorgzaam.admin import SuperuserOnlyAdmin

from .models import AuditEntry, Invitation, Membership, Organisation, OrganisationRequest


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "slug", "contact_email", "created_at"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["initiative"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SuperuserOnlyAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    raw_id_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(SuperuserOnlyAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["email", "organisation__name"]
    # The token is the invitation itself: whoever sees it can join the team.
    exclude = ["token"]
    view_on_site = False
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(SuperuserOnlyAdmin):
    list_display = ["created_at", "organisation", "actor_label", "action", "subject", "detail"]
    list_filter = ["action", "organisation"]
    search_fields = ["subject", "actor_label", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OrganisationRequest)
class OrganisationRequestAdmin(SuperuserOnlyAdmin):
    list_display = ["organisation_name", "name", "email", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["organisation_name", "name", "email"]
    raw_id_fields = ["organisation", "decided_by"]
