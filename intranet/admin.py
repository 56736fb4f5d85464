"""The Django admin for staff. Governed records (collèges, roles, accounts, invitations, the
audit log) are read-only here: they change through the staff screens, which audit every change
and keep the groups in sync. Reference data (territories, skills) is edited here."""

from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from intranet import actions, policies
from intranet.admin_bases import ReadOnlyAdmin, StaffAdmin
from intranet.exceptions import ActionRefused
from intranet.models import (
    AuditEntry,
    BoardMembership,
    College,
    CollegeMembership,
    Invitation,
    Profile,
    Skill,
    Territory,
    User,
)

admin.site.site_header = _("Federation intranet — administration")
admin.site.site_title = _("Intranet administration")


class ReferenceDataAdmin(StaffAdmin):
    """Edited here, audited like every other change."""

    def save_model(self, request, obj, form, change):
        actions.save_reference_item(request.user, item=obj)

    def delete_model(self, request, obj):
        actions.delete_reference_item(request.user, item=obj)

    def delete_queryset(self, request, queryset):
        for item in queryset:
            actions.delete_reference_item(request.user, item=item)

    def has_add_permission(self, request, obj=None):
        return policies.can_manage_association(request.user)

    def has_change_permission(self, request, obj=None):
        return policies.can_manage_association(request.user)

    def has_delete_permission(self, request, obj=None):
        return policies.can_manage_association(request.user)


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    exclude = ["password", "user_permissions"]
    actions = ["deactivate_selected"]

    @admin.action(description=_("Deactivate the selected accounts"))
    def deactivate_selected(self, request, queryset):
        for member in queryset:
            try:
                actions.deactivate_member(request.user, user=member)
            except ActionRefused as refusal:
                self.message_user(request, f"{member}: {refusal.message}", messages.WARNING)


class MembershipInline(admin.TabularInline):
    model = CollegeMembership
    extra = 0
    can_delete = False
    readonly_fields = ["user", "role", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(College)
class CollegeAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    inlines = [MembershipInline]


@admin.register(BoardMembership)
class BoardMembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "created_at"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "college", "created_at", "expires_at", "accepted_at", "revoked_at"]
    exclude = ["token_hash"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "target_label"]


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "trade", "territory"]
    search_fields = ["user__email", "user__last_name", "organisation"]


@admin.register(Territory)
class TerritoryAdmin(ReferenceDataAdmin):
    list_display = ["code", "name"]


@admin.register(Skill)
class SkillAdmin(ReferenceDataAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    """Groups mirror collèges, the board and the staff; they follow memberships automatically."""

    list_display = ["name"]
