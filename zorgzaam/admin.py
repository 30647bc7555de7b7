"""Admin building blocks the apps share."""

from django.contrib import admin


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Attendees' data: superusers only, whatever a group's model permissions say.

    Organisers see their own meetings' attendees in the organiser area, where access is
    decided per meeting; coordinators curate the catalogue and see no attendees at all.
    """

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
