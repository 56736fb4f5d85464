"""A person's own account: API tokens, profile, password, language, and their home's last visit."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet import activity, policies, search
from intranet.audit import AuditAction, record
from intranet.exceptions import ActionRefused
from intranet.models import (
    ApiToken,
    HomeVisit,
    Profile,
    Skill,
    Territory,
    User,
)
from intranet.selectors import hash_token
from realtime.events import close_other_sessions_sockets_on_commit

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
