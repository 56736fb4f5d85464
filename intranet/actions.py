"""Every change to people, collèges, roles, invitations and profiles.

Each action takes the acting user first and keyword-only arguments, runs in one transaction,
writes its audit row there, keeps the managed groups in sync, and schedules side effects
(e-mail, closing sockets) for after the commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet import policies
from intranet.audit import AuditAction, record
from intranet.groups import college_group_names, sync_user_groups
from intranet.models import (
    BOARD_OFFICES,
    BoardMembership,
    BoardRole,
    College,
    CollegeMembership,
    CollegeRole,
    Invitation,
    Profile,
    Skill,
    User,
    normalize_email_address,
)
from realtime.events import close_sockets_on_commit


class ActionRefused(Exception):
    """The change cannot be made; ``message`` is shown to the person, in their language."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _require_staff(actor: User) -> None:
    if not policies.can_manage_association(actor):
        raise PermissionError("Only staff manage the association.")


# --- Collèges -------------------------------------------------------------------------------


def create_college(actor: User, *, name: str, slug: str = "", description: str = "", position: int = 0) -> College:
    _require_staff(actor)
    slug = slugify(slug or name)
    if not slug:
        raise ActionRefused(_("Choose a short name made of letters or digits."), field="slug")
    with transaction.atomic():
        if College.objects.filter(slug=slug).exists():
            raise ActionRefused(_("A collège already uses this short name."), field="slug")
        if College.objects.filter(name__iexact=name).exists():
            raise ActionRefused(_("A collège already has this name."), field="name")
        members_name, coordinators_name = college_group_names(slug)
        college = College.objects.create(
            slug=slug,
            name=name,
            description=description,
            position=position,
            members_group=Group.objects.create(name=members_name),
            coordinators_group=Group.objects.create(name=coordinators_name),
        )
        record(actor, AuditAction.COLLEGE_CREATED, college, name=name, slug=slug)
    return college


def update_college(
    actor: User, *, college: College, name: str, description: str, position: int, is_active: bool
) -> College:
    _require_staff(actor)
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
    return college


# --- Memberships and roles ------------------------------------------------------------------


def add_college_member(
    actor: User, *, college: College, user: User, role: str = CollegeRole.MEMBER
) -> CollegeMembership:
    _require_staff(actor)
    with transaction.atomic():
        if CollegeMembership.objects.filter(college=college, user=user).exists():
            raise ActionRefused(_("%(person)s is already in this collège.") % {"person": user}, field="user")
        membership = CollegeMembership.objects.create(college=college, user=user, role=role)
        sync_user_groups(user)
        record(actor, AuditAction.MEMBERSHIP_ADDED, user, college=college.slug, role=role)
    return membership


def change_college_role(actor: User, *, membership: CollegeMembership, role: str) -> CollegeMembership:
    _require_staff(actor)
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
    _require_staff(actor)
    with transaction.atomic():
        membership = CollegeMembership.objects.select_related("college", "user").get(pk=membership.pk)
        user, college, role = membership.user, membership.college, membership.role
        membership.delete()
        sync_user_groups(user)
        record(actor, AuditAction.MEMBERSHIP_REMOVED, user, college=college.slug, role=role)


def set_board_role(actor: User, *, user: User, role: str) -> BoardMembership:
    """Put someone on the board with a role; taking an office hands it over from its holder."""
    _require_staff(actor)
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
    _require_staff(actor)
    with transaction.atomic():
        membership = BoardMembership.objects.filter(user=user).first()
        if membership is None:
            return
        role = membership.role
        membership.delete()
        sync_user_groups(user)
        record(actor, AuditAction.BOARD_REMOVED, user, role=role)


def set_staff_status(actor: User, *, user: User, is_staff: bool) -> User:
    _require_staff(actor)
    if user.pk == actor.pk and not is_staff:
        raise ActionRefused(_("You cannot remove your own staff rights; ask a colleague."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
            sync_user_groups(user)
            record(actor, AuditAction.STAFF_GRANTED if is_staff else AuditAction.STAFF_REVOKED, user)
    return user


def deactivate_member(actor: User, *, user: User) -> User:
    """The account can no longer log in; its pages close; its history stays."""
    _require_staff(actor)
    if user.pk == actor.pk:
        raise ActionRefused(_("You cannot deactivate your own account."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            sync_user_groups(user)
            record(actor, AuditAction.MEMBER_DEACTIVATED, user)
            close_sockets_on_commit(user_ids=[user.pk], reason="deactivated")
    return user


def reactivate_member(actor: User, *, user: User) -> User:
    _require_staff(actor)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            sync_user_groups(user)
            record(actor, AuditAction.MEMBER_REACTIVATED, user)
    return user


# --- Invitations ----------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _hash_token(token)


def invite_member(
    actor: User,
    *,
    email: str,
    first_name: str,
    last_name: str,
    college: College | None = None,
    college_role: str = CollegeRole.MEMBER,
    language: str = settings.LANGUAGE_CODE,
) -> Invitation:
    """Invite someone by e-mail; an earlier pending invitation to the same address is replaced."""
    _require_staff(actor)
    email = normalize_email_address(email)
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ActionRefused(_("A member already has this e-mail address."), field="email")
        now = timezone.now()
        Invitation.objects.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(revoked_at=now)
        token, token_hash = _new_token()
        invitation = Invitation.objects.create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            college=college,
            college_role=college_role,
            language=language,
            invited_by=actor,
            token_hash=token_hash,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        record(actor, AuditAction.MEMBER_INVITED, invitation, college=college.slug if college else None)
        transaction.on_commit(partial(_send_invitation_email, invitation.pk, token))
    return invitation


def resend_invitation(actor: User, *, invitation: Invitation) -> Invitation:
    """A fresh link and a fresh delay; the previous link stops working."""
    _require_staff(actor)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ActionRefused(_("This invitation has already been accepted."))
        token, invitation.token_hash = _new_token()
        invitation.revoked_at = None
        invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.save(update_fields=["token_hash", "revoked_at", "expires_at"])
        record(actor, AuditAction.INVITATION_RESENT, invitation)
        transaction.on_commit(partial(_send_invitation_email, invitation.pk, token))
    return invitation


def revoke_invitation(actor: User, *, invitation: Invitation) -> Invitation:
    _require_staff(actor)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ActionRefused(_("This invitation has already been accepted."))
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            record(actor, AuditAction.INVITATION_REVOKED, invitation)
    return invitation


def find_invitation(token: str) -> Invitation | None:
    """The invitation behind a link, whatever its state (the page explains expired or used links)."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.filter(token_hash=_hash_token(token)).select_related("college").first()


def accept_invitation(*, token: str, password: str, first_name: str, last_name: str) -> User:
    """The invited person chooses a password: the account is created with its memberships."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token_hash=_hash_token(token)).first()
        if invitation is None or invitation.status != Invitation.Status.PENDING:
            raise ActionRefused(_("This invitation link is no longer valid."))
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ActionRefused(_("An account already exists for this e-mail address. Log in instead."))
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                    language=invitation.language,
                )
        except IntegrityError as error:
            raise ActionRefused(_("An account already exists for this e-mail address. Log in instead.")) from error
        if invitation.college_id:
            CollegeMembership.objects.create(user=user, college_id=invitation.college_id, role=invitation.college_role)
        sync_user_groups(user)
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        record(user, AuditAction.INVITATION_ACCEPTED, invitation)
    return user


def _send_invitation_email(invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("college", "invited_by").get(pk=invitation_id)
    link = settings.SITE_URL + reverse("accept_invitation", kwargs={"token": token})
    context = {"invitation": invitation, "link": link, "valid_days": settings.INVITATION_VALID_DAYS}
    with translation.override(invitation.language):
        subject = _("Your invitation to the federation's intranet")
        text = render_to_string("intranet/email/invitation.txt", context)
        html = render_to_string("intranet/email/invitation.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


# --- Profiles and preferences ---------------------------------------------------------------


def update_profile(
    actor: User, *, profile: Profile, first_name: str, last_name: str, skills: list[str], **fields
) -> Profile:
    if not policies.can_edit_profile(actor, profile):
        raise PermissionError("Not allowed to edit this profile.")
    with transaction.atomic():
        profile = Profile.objects.select_for_update().select_related("user").get(pk=profile.pk)
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.save()
        user = profile.user
        if (user.first_name, user.last_name) != (first_name, last_name):
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
        profile.skills.set(ensure_skills(skills))
        if actor.pk != user.pk:
            record(actor, AuditAction.PROFILE_UPDATED_BY_STAFF, user, fields=sorted(fields))
    return profile


def ensure_skills(names: list[str]) -> list[Skill]:
    """The skills with these names, creating the missing ones (tags are shared by all profiles)."""
    skills = []
    for name in names:
        slug = slugify(name)
        if slug:
            skill, _created = Skill.objects.get_or_create(slug=slug, defaults={"name": name})
            skills.append(skill)
    return skills


def set_preferred_language(user: User, *, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ActionRefused(_("Unknown language."))
    if user.is_authenticated and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
