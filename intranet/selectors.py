"""Reads about people and collèges, filtered to what the viewer may see, as querysets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from intranet import policies
from intranet.models import (
    ApiToken,
    AuditEntry,
    BoardMembership,
    BoardRole,
    College,
    CollegeMembership,
    Invitation,
    Skill,
    Territory,
    User,
    full_name,
)


def _members_with_profiles() -> QuerySet[User]:
    return User.objects.select_related("profile", "profile__territory", "board_membership")


def colleges_with_members() -> QuerySet[College]:
    """Collèges with their active members (coordinators first) prefetched as ``active_memberships``."""
    memberships = (
        CollegeMembership.objects.filter(user__is_active=True)
        .select_related("user", "user__profile", "user__profile__territory")
        .order_by("role", "user__last_name", "user__first_name")
    )
    return College.objects.prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="active_memberships"))


def my_colleges(user: User) -> QuerySet[College]:
    """The person's active collèges, each with ``member_count``, its active members."""
    mine = College.objects.filter(
        is_active=True, pk__in=CollegeMembership.objects.filter(user=user).values("college_id")
    )
    return mine.annotate(
        member_count=Count("memberships", filter=Q(memberships__user__is_active=True), distinct=True)
    ).order_by("position", "name")


def active_colleges() -> QuerySet[College]:
    return College.objects.filter(is_active=True)


def get_college_for_user(viewer: User, slug: str) -> College:
    """Any member may open a collège's page: who is in which collège is known within the association."""
    if not policies.is_member(viewer):
        raise Http404
    try:
        return colleges_with_members().get(slug=slug, is_active=True)
    except College.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class DirectoryFilters:
    text: str = ""
    college: College | None = None
    skill: str = ""
    territory: Territory | None = None


def directory_members(viewer: User, filters: DirectoryFilters) -> QuerySet[User]:
    """Active members matching the filters; the directory maps the sector as it is now."""
    if not policies.is_member(viewer):
        return User.objects.none()
    members = (
        _members_with_profiles()
        .filter(is_active=True)
        .prefetch_related(
            "profile__skills",
            Prefetch("college_memberships", queryset=CollegeMembership.objects.select_related("college")),
        )
        .order_by("last_name", "first_name", "pk")
    )
    if filters.college is not None:
        members = members.filter(college_memberships__college=filters.college)
    if filters.territory is not None:
        members = members.filter(profile__territory=filters.territory)
    if filters.skill:
        members = members.filter(profile__skills__slug=filters.skill)
    for word in filters.text.split()[:8]:
        members = members.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(profile__organisation__icontains=word)
            | Q(profile__trade__icontains=word)
            | Q(profile__bio__icontains=word)
            | Q(profile__skills__name__icontains=word)
        )
    return members.distinct()


def get_member_for_user(viewer: User, member_id: int) -> User:
    """The member page's person, or 404 for a missing one and for one the viewer may not see."""
    member = (
        _members_with_profiles()
        .prefetch_related(
            "profile__skills",
            Prefetch("college_memberships", queryset=CollegeMembership.objects.select_related("college")),
        )
        .filter(pk=member_id)
        .first()
    )
    if member is None or not policies.can_view_member(viewer, member):
        raise Http404
    return member


def members_by_territory_and_college() -> tuple[list[Territory], list[College], dict[tuple[int | None, int], int]]:
    """Counts of active members per (territory, collège) for the directory's chart."""
    counts = (
        CollegeMembership.objects.filter(user__is_active=True, college__is_active=True)
        .values("user__profile__territory", "college")
        .annotate(members=Count("user", distinct=True))
    )
    table = {(row["user__profile__territory"], row["college"]): row["members"] for row in counts}
    return list(Territory.objects.all()), list(active_colleges()), table


def all_members_for_staff() -> QuerySet[User]:
    return _members_with_profiles().prefetch_related(
        Prefetch("college_memberships", queryset=CollegeMembership.objects.select_related("college"))
    )


def get_college_for_staff(slug: str) -> College:
    return _get_or_404(colleges_with_members(), slug=slug)


@dataclass(frozen=True)
class BoardSeat:
    """A board member as the home's card shows them: no more is read."""

    user_id: int
    name: str
    role: str

    @property
    def officer(self) -> str:
        """The office held ("Présidente"), or "" for a board member."""
        return "" if self.role == BoardRole.MEMBER else str(BoardRole(self.role).label)


def get_board_for_user(user: User) -> list[BoardSeat] | None:
    """The board's active members, for the home page of a board member (None for the others)."""
    if not policies.is_board_member(user):  # the reader's roles, read once per page
        return None
    rows = (
        board_memberships()
        .filter(user__is_active=True)
        .values_list("user_id", "user__first_name", "user__last_name", "role")
    )
    return [BoardSeat(user_id, full_name(first, last), role) for user_id, first, last, role in rows]


def board_memberships() -> QuerySet[BoardMembership]:
    # Officers first, in the order of the statutes, then board members.
    office_order = Case(*(When(role=role, then=Value(rank)) for rank, role in enumerate(BoardRole.values)))
    return BoardMembership.objects.select_related("user", "user__profile").order_by(office_order, "user__last_name")


def skills_in_use(limit: int = 60) -> QuerySet[Skill]:
    return Skill.objects.filter(profiles__user__is_active=True).distinct().order_by("name")[:limit]


def staff_members(text: str = "") -> QuerySet[User]:
    people = all_members_for_staff().order_by("-is_active", "last_name", "first_name")
    for word in text.split()[:8]:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    return people


def active_member_count() -> int:
    return User.objects.filter(is_active=True).count()


def _get_or_404(queryset: QuerySet, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


def get_member_for_staff(user_id: int) -> User:
    return _get_or_404(User.objects.all(), pk=user_id)


def get_membership_for_staff(slug: str, membership_id: int) -> CollegeMembership:
    return _get_or_404(
        CollegeMembership.objects.select_related("user", "college"), pk=membership_id, college__slug=slug
    )


def get_invitation_for_staff(invitation_id: int) -> Invitation:
    return _get_or_404(Invitation.objects.all(), pk=invitation_id)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_from_link(token: str) -> Invitation | None:
    """The invitation behind a link, whatever its state (the page explains expired or used links)."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.filter(token_hash=hash_token(token)).select_related("college").first()


def invitations_for_staff() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("college", "invited_by", "accepted_user")


def pending_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    text: str = ""
    since: object = None
    until: object = None


def audit_entries(filters: AuditFilters) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.text:
        entries = entries.filter(Q(actor_label__icontains=filters.text) | _target_matching(filters.text))
    if filters.since:
        entries = entries.filter(created_at__date__gte=filters.since)
    if filters.until:
        entries = entries.filter(created_at__date__lte=filters.until)
    return entries


def _target_matching(text: str) -> Q:
    """Targets whose label holds the text; for a day typed as the reader types dates ("19/12/2026"),
    those kept by their moment (a meeting: its ISO date-time in UTC) on that local day, as the log
    shows them, and not the UTC date the label holds."""
    contains = Q(target_label__icontains=text)
    try:
        day = forms.DateField().to_python(text)
    except ValidationError:
        return contains
    start = timezone.make_aware(datetime.combine(day, time.min)).astimezone(UTC)
    on_that_day = Q(target_label__gte=start.isoformat(), target_label__lt=(start + timedelta(days=1)).isoformat())
    return on_that_day | (contains & ~Q(target_label__regex=r"^\d{4}-\d{2}-\d{2}[T ]\d"))


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")
