"""Collèges, memberships, board roles, staff status, accounts deactivated, and the reference
data (territories, skills): each in one transaction with its audit row; groups kept in sync."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet import plugins, search
from intranet.actions.common import refuse_on_conflict, require_staff
from intranet.audit import AuditAction, record
from intranet.exceptions import ActionRefused
from intranet.groups import college_group_names, sync_user_groups
from intranet.models import (
    BOARD_OFFICES,
    BoardMembership,
    BoardRole,
    College,
    CollegeMembership,
    CollegeRole,
    Profile,
    Skill,
    Territory,
    User,
)
from realtime.events import (
    close_sockets_on_commit,
    tell_users_access_changed_on_commit,
)

# --- Collèges -------------------------------------------------------------------------------


def create_college(actor: User, *, name: str, slug: str = "", description: str = "", position: int = 0) -> College:
    require_staff(actor)
    slug = slugify(slug or name)[: College._meta.get_field("slug").max_length].strip("-")
    if not slug:
        raise ActionRefused(_("Choose a short name made of letters or digits."), field="slug")
    with transaction.atomic():
        if College.objects.filter(slug=slug).exists():
            raise ActionRefused(_("A collège already uses this short name."), field="slug")
        if College.objects.filter(name__iexact=name).exists():
            raise ActionRefused(_("A collège already has this name."), field="name")
        members_name, coordinators_name = college_group_names(slug)
        with refuse_on_conflict(_("A collège already uses this name or short name."), field="name"):
            college = College.objects.create(
                slug=slug,
                name=name,
                description=description,
                position=position,
                members_group=Group.objects.create(name=members_name),
                coordinators_group=Group.objects.create(name=coordinators_name),
            )
        plugins.college_created(college)  # the apps' parts of it: its forum, its document space
        record(actor, AuditAction.COLLEGE_CREATED, college, name=name, slug=slug)
    return college


def update_college(
    actor: User, *, college: College, name: str, description: str, position: int, is_active: bool
) -> College:
    require_staff(actor)
    with transaction.atomic():
        college = College.objects.select_for_update().get(pk=college.pk)
        if College.objects.filter(name__iexact=name).exclude(pk=college.pk).exists():
            raise ActionRefused(_("A collège already has this name."), field="name")
        changes = {}
        for field, value in (
            ("name", name),
            ("description", description),
            ("position", position),
            ("is_active", is_active),
        ):
            if getattr(college, field) != value:
                changes[field] = {"from": getattr(college, field), "to": value}
                setattr(college, field, value)
        if changes:
            college.save()
            record(actor, AuditAction.COLLEGE_UPDATED, college, changes=changes)
            if "is_active" in changes:
                member_ids = college.memberships.values_list("user_id", flat=True)
                tell_users_access_changed_on_commit(user_ids=list(member_ids))
    return college


# --- Memberships and roles ------------------------------------------------------------------


def add_college_member(
    actor: User, *, college: College, user: User, role: str = CollegeRole.MEMBER
) -> CollegeMembership:
    require_staff(actor)
    with transaction.atomic():
        if CollegeMembership.objects.filter(college=college, user=user).exists():
            raise ActionRefused(_("%(person)s is already in this collège.") % {"person": user}, field="user")
        # A concurrent request may have added the same person since the check above.
        with refuse_on_conflict(_("%(person)s is already in this collège.") % {"person": user}, field="user"):
            membership = CollegeMembership.objects.create(college=college, user=user, role=role)
        sync_user_groups(user)
        record(actor, AuditAction.MEMBERSHIP_ADDED, user, college=college.slug, role=role)
        search.record_change("member", [user.pk])
    return membership


def change_college_role(actor: User, *, membership: CollegeMembership, role: str) -> CollegeMembership:
    require_staff(actor)
    with transaction.atomic():
        membership = (
            CollegeMembership.objects.select_for_update().select_related("college", "user").get(pk=membership.pk)
        )
        if membership.role != role:
            previous = membership.role
            membership.role = role
            membership.save(update_fields=["role"])
            sync_user_groups(membership.user)
            record(
                actor,
                AuditAction.MEMBERSHIP_ROLE_CHANGED,
                membership.user,
                college=membership.college.slug,
                role={"from": previous, "to": role},
            )
    return membership


def remove_college_member(actor: User, *, membership: CollegeMembership) -> None:
    require_staff(actor)
    with transaction.atomic():
        membership = (
            CollegeMembership.objects.select_for_update()
            .select_related("college", "user")
            .filter(pk=membership.pk)
            .first()
        )
        if membership is None:
            return  # Already removed (a double submit): nothing left to do.
        user, college, role = membership.user, membership.college, membership.role
        membership.delete()
        sync_user_groups(user)
        record(actor, AuditAction.MEMBERSHIP_REMOVED, user, college=college.slug, role=role)
        search.record_change("member", [user.pk])
        # Their open pages stop receiving this collège's live events at once.
        tell_users_access_changed_on_commit(user_ids=[user.pk])


def set_board_role(actor: User, *, user: User, role: str) -> BoardMembership:
    """Put someone on the board with a role; taking an office hands it over from its holder."""
    require_staff(actor)
    with transaction.atomic():
        if role in BOARD_OFFICES:
            previous_holder = (
                BoardMembership.objects.select_for_update()
                .filter(role=role)
                .exclude(user=user)
                .select_related("user")
                .first()
            )
            if previous_holder:
                previous_holder.role = BoardRole.MEMBER
                previous_holder.save(update_fields=["role"])
                record(
                    actor, AuditAction.BOARD_ROLE_SET, previous_holder.user, role={"from": role, "to": BoardRole.MEMBER}
                )
        membership = BoardMembership.objects.select_for_update().filter(user=user).first()
        previous_role = membership.role if membership else None
        # Two staff members handing over the same office at once: the second one is told to retry.
        with refuse_on_conflict(_("The board changed meanwhile; please try again.")):
            if membership is None:
                membership = BoardMembership.objects.create(user=user, role=role)
            elif membership.role != role:
                membership.role = role
                membership.save(update_fields=["role"])
        if previous_role != role:
            sync_user_groups(user)
            record(actor, AuditAction.BOARD_ROLE_SET, user, role={"from": previous_role, "to": role})
    return membership


def remove_from_board(actor: User, *, user: User) -> None:
    require_staff(actor)
    with transaction.atomic():
        membership = BoardMembership.objects.filter(user=user).first()
        if membership is None:
            return
        role = membership.role
        membership.delete()
        sync_user_groups(user)
        record(actor, AuditAction.BOARD_REMOVED, user, role=role)
        tell_users_access_changed_on_commit(user_ids=[user.pk])


def set_staff_status(actor: User, *, user: User, is_staff: bool) -> User:
    require_staff(actor)
    if user.pk == actor.pk and not is_staff:
        raise ActionRefused(_("You cannot remove your own staff rights; ask a colleague."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
            sync_user_groups(user)
            record(actor, AuditAction.STAFF_GRANTED if is_staff else AuditAction.STAFF_REVOKED, user)
            tell_users_access_changed_on_commit(user_ids=[user.pk])
    return user


def deactivate_member(actor: User, *, user: User) -> User:
    """The account can no longer log in; its pages close; its history stays."""
    require_staff(actor)
    if user.pk == actor.pk:
        raise ActionRefused(_("You cannot deactivate your own account."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            sync_user_groups(user)
            record(actor, AuditAction.MEMBER_DEACTIVATED, user)
            search.record_change("member", [user.pk])
            close_sockets_on_commit(user_ids=[user.pk], reason="deactivated")
    return user


def reactivate_member(actor: User, *, user: User) -> User:
    require_staff(actor)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            sync_user_groups(user)
            record(actor, AuditAction.MEMBER_REACTIVATED, user)
            search.record_change("member", [user.pk])
    return user


# --- Reference data (territories, skills), edited in the admin ---------------------------------


def save_reference_item(actor: User, *, item: Territory | Skill) -> None:
    require_staff(actor)
    with transaction.atomic():
        created = item.pk is None
        item.save()
        record(actor, AuditAction.REFERENCE_CREATED if created else AuditAction.REFERENCE_UPDATED, item)
        search.record_change("member", _members_holding(item))


def _members_holding(item: Territory | Skill) -> list[int]:
    """Whose profile text shows this territory or skill (for the search index)."""
    holders = Profile.objects.filter(territory=item) if isinstance(item, Territory) else item.profiles.all()
    return list(holders.values_list("user_id", flat=True))


def delete_reference_item(actor: User, *, item: Territory | Skill) -> None:
    require_staff(actor)
    with transaction.atomic():
        record(actor, AuditAction.REFERENCE_DELETED, item)
        search.record_change("member", _members_holding(item))
        item.delete()
