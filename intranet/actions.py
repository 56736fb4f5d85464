"""Every change to people, collèges, roles, invitations and profiles.

Each action takes the acting user first and keyword-only arguments, runs in one transaction,
writes its audit row there, keeps the managed groups in sync, and schedules side effects
(e-mail, closing sockets) for after the commit.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet import activity, plugins, policies, search
from intranet.audit import AuditAction, record
from intranet.exceptions import ActionRefused
from intranet.groups import college_group_names, sync_user_groups
from intranet.links import absolute_url
from intranet.models import (
    BOARD_OFFICES,
    ApiToken,
    BoardMembership,
    BoardRole,
    College,
    CollegeMembership,
    CollegeRole,
    HomeVisit,
    Invitation,
    Profile,
    Skill,
    Territory,
    User,
    normalize_email_address,
)
from intranet.notifications.actions import notify, queue_written_email
from intranet.selectors import hash_token
from realtime.events import (
    close_other_sessions_sockets_on_commit,
    close_sockets_on_commit,
    tell_users_access_changed_on_commit,
)


@contextmanager
def _refuse_on_conflict(message: str, *, field: str | None = None):
    """Turn a uniqueness conflict (usually a concurrent request) into a clear refusal."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise ActionRefused(message, field=field) from error


def _require_staff(actor: User) -> None:
    if not policies.can_manage_association(actor):
        raise PermissionDenied("Only staff manage the association.")


# --- Collèges -------------------------------------------------------------------------------


def create_college(actor: User, *, name: str, slug: str = "", description: str = "", position: int = 0) -> College:
    _require_staff(actor)
    slug = slugify(slug or name)[: College._meta.get_field("slug").max_length].strip("-")
    if not slug:
        raise ActionRefused(_("Choose a short name made of letters or digits."), field="slug")
    with transaction.atomic():
        if College.objects.filter(slug=slug).exists():
            raise ActionRefused(_("A collège already uses this short name."), field="slug")
        if College.objects.filter(name__iexact=name).exists():
            raise ActionRefused(_("A collège already has this name."), field="name")
        members_name, coordinators_name = college_group_names(slug)
        with _refuse_on_conflict(_("A collège already uses this name or short name."), field="name"):
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
            if "is_active" in changes:
                member_ids = college.memberships.values_list("user_id", flat=True)
                tell_users_access_changed_on_commit(user_ids=list(member_ids))
    return college


# --- Memberships and roles ------------------------------------------------------------------


def add_college_member(
    actor: User, *, college: College, user: User, role: str = CollegeRole.MEMBER
) -> CollegeMembership:
    _require_staff(actor)
    with transaction.atomic():
        if CollegeMembership.objects.filter(college=college, user=user).exists():
            raise ActionRefused(_("%(person)s is already in this collège.") % {"person": user}, field="user")
        # A concurrent request may have added the same person since the check above.
        with _refuse_on_conflict(_("%(person)s is already in this collège.") % {"person": user}, field="user"):
            membership = CollegeMembership.objects.create(college=college, user=user, role=role)
        sync_user_groups(user)
        record(actor, AuditAction.MEMBERSHIP_ADDED, user, college=college.slug, role=role)
        search.record_change("member", [user.pk])
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
        # Two staff members handing over the same office at once: the second one is told to retry.
        with _refuse_on_conflict(_("The board changed meanwhile; please try again.")):
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
        tell_users_access_changed_on_commit(user_ids=[user.pk])


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
            tell_users_access_changed_on_commit(user_ids=[user.pk])
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
            search.record_change("member", [user.pk])
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
            search.record_change("member", [user.pk])
    return user


# --- Reference data (territories, skills), edited in the admin ---------------------------------


def save_reference_item(actor: User, *, item: Territory | Skill) -> None:
    _require_staff(actor)
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
    _require_staff(actor)
    with transaction.atomic():
        record(actor, AuditAction.REFERENCE_DELETED, item)
        search.record_change("member", _members_holding(item))
        item.delete()


# --- Invitations ----------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


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
        _send_invitation_email_on_commit(invitation, token)
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
        _send_invitation_email_on_commit(invitation, token)
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


def accept_invitation(*, token: str, password: str, first_name: str, last_name: str) -> User:
    """The invited person chooses a password: the account is created with its memberships."""
    with transaction.atomic():
        invitation = (
            # Lock only the invitation: the joined collège and inviter may be missing (outer joins).
            Invitation.objects.select_for_update(of=("self",))
            .select_related("college", "invited_by")
            .filter(token_hash=hash_token(token))
            .first()
        )
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
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        record(user, AuditAction.INVITATION_ACCEPTED, invitation)
        search.record_change("member", [user.pk])
        if invitation.college is not None:
            CollegeMembership.objects.create(user=user, college=invitation.college, role=invitation.college_role)
            # The staff member who invited is the one who decided this membership.
            record(
                invitation.invited_by,
                AuditAction.MEMBERSHIP_ADDED,
                user,
                college=invitation.college.slug,
                role=invitation.college_role,
                invitation=invitation.pk,
            )
        sync_user_groups(user)
        if invitation.invited_by_id:
            notify(
                kind="invitation",
                event="invitation_accepted",
                recipients=[invitation.invited_by_id],
                target_type="member",
                target_id=user.pk,
                actor=user,
            )
    return user


def _send_invitation_email_on_commit(invitation: Invitation, token: str) -> None:
    """Queued in the outbox in this transaction, sent by the e-mail worker after the commit (and
    retried if the mail server fails). The link exists only in this e-mail: a resent invitation
    is a new e-mail with a new link."""
    link = absolute_url(reverse("accept_invitation", kwargs={"token": token}))
    context = {"invitation": invitation, "link": link, "valid_days": settings.INVITATION_VALID_DAYS}
    with translation.override(invitation.language):
        subject = _("Your invitation to the federation's intranet")
        text = render_to_string("intranet/email/invitation.txt", context)
        html = render_to_string("intranet/email/invitation.html", context)
    queue_written_email(
        key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        to_address=invitation.email,
        subject=subject,
        text=text,
        html=html,
    )


# --- Personal API tokens ---------------------------------------------------------------------

API_TOKEN_PREFIX = "fi_"  # noqa: S105 - not a secret: makes a leaked token recognisable to scanners
API_TOKEN_NAME_MAX_LENGTH = 80
MAX_API_TOKENS = 20


def create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """A new token for the person's own use; the token itself is returned once and never kept."""
    name = " ".join((name or "").split())
    if not name:
        raise ActionRefused(_("Name the token after what will use it (a spreadsheet, the website…)."), field="name")
    if len(name) > API_TOKEN_NAME_MAX_LENGTH:
        raise ActionRefused(
            _("A token's name is at most %(max)s characters long.") % {"max": API_TOKEN_NAME_MAX_LENGTH}, field="name"
        )
    with transaction.atomic():
        usable = ApiToken.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        if len(usable) >= MAX_API_TOKENS:
            raise ActionRefused(_("You have %(max)s tokens: revoke one first.") % {"max": MAX_API_TOKENS})
        secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:10],
            key_hash=hash_token(secret),
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_VALID_DAYS),
        )
        record(user, AuditAction.API_TOKEN_CREATED, token)
    return token, secret


def revoke_api_token(user: User, *, token_id: int) -> ApiToken:
    """The owner revokes their token (another person's is not found)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise Http404
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(user, AuditAction.API_TOKEN_REVOKED, token)
    return token


# --- Profiles and preferences ---------------------------------------------------------------


def update_profile(
    actor: User,
    *,
    profile: Profile,
    first_name: str,
    last_name: str,
    skills: list[str],
    organisation: str,
    trade: str,
    territory: Territory | None,
    bio: str,
    phone: str,
    website: str,
    show_email: bool,
    show_phone: bool,
) -> Profile:
    if not policies.can_edit_profile(actor, profile):
        raise PermissionDenied("Not allowed to edit this profile.")
    fields = {
        "organisation": organisation,
        "trade": trade,
        "territory": territory,
        "bio": bio,
        "phone": phone,
        "website": website,
        "show_email": show_email,
        "show_phone": show_phone,
    }
    with transaction.atomic():
        profile = Profile.objects.select_for_update().select_related("user").get(pk=profile.pk)
        changed = sorted(name for name, value in fields.items() if getattr(profile, name) != value)
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.save()
        search.record_change("member", [profile.user_id])
        user = profile.user
        if (user.first_name, user.last_name) != (first_name, last_name):
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
        profile.skills.set(ensure_skills(skills))
        if actor.pk != user.pk:
            record(actor, AuditAction.PROFILE_UPDATED_BY_STAFF, user, fields=changed)
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


def change_password(user: User, *, password: str, session: SessionBase | None = None) -> User:
    """A new password, set by its owner from ``session`` (changing it) or by a reset link (None).

    Every other login session already ends at its next request (Django compares the password's
    hash); its open pages are closed too, after the commit. The session that changed it stays
    signed in under a new key, as Django's ``update_session_auth_hash`` does, and keeps its pages.
    """
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        # Who did it and how, never what: an account taken over shows in the log.
        record(user, AuditAction.PASSWORD_CHANGED if session is not None else AuditAction.PASSWORD_RESET, user)
        kept = None
        if session is not None:
            old_key = session.session_key
            session.cycle_key()
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            kept = (old_key, session.session_key) if old_key else None
        close_other_sessions_sockets_on_commit(user.pk, reason="password changed", kept=kept)
    return user


def set_preferred_language(user: User, *, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ActionRefused(_("Unknown language."))
    if user.is_authenticated and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


# Seen again within this: the visit is not written again (a page refreshed does not write).
HOME_VISIT_RESOLUTION = timedelta(minutes=1)


def record_home_visit(user) -> HomeVisit:
    """The person opens their home: after a pause of a few hours, "since my last visit" starts
    where the previous visit ended; within a visit, it stays where it was."""
    now = timezone.now()
    visit, created = HomeVisit.objects.get_or_create(
        user=user, defaults={"since": now - activity.FIRST_VISIT_LOOKS_BACK, "seen_at": now}
    )
    if created:
        return visit
    if now - visit.seen_at > activity.NEW_VISIT_AFTER:
        visit.since = visit.seen_at
    elif now - visit.seen_at < HOME_VISIT_RESOLUTION:
        return visit
    visit.seen_at = now
    HomeVisit.objects.filter(pk=visit.pk).update(since=visit.since, seen_at=now)
    return visit
