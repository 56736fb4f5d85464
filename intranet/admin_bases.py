"""What every admin page of ours builds on: staff see the admin through the association's policy.
Kept apart from ``intranet.admin`` (which changes records through the core's actions) so that
the core's own sub-apps (the notifications' outbox) can use it without a circle."""

from django.contrib import admin

from intranet import policies


class StaffAdmin(admin.ModelAdmin):
    """Staff see the admin through the association's policy, not through per-model permissions."""

    def has_module_permission(self, request):
        return policies.can_manage_association(request.user)

    def has_view_permission(self, request, obj=None):
        return policies.can_manage_association(request.user)


class ReadOnlyAdmin(StaffAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
