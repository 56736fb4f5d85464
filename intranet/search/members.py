"""Members' public profiles as the search sees them: name, trade, organisation, territory,
skills and bio. Active members are found by every member; deactivated ones by staff only, as in
the directory."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intranet import policies
from intranet.models import CollegeMembership, User
from intranet.search.sources import EVERY_MEMBER, STAFF_ONLY, Display, Entry, Source


def _profile_text(user: User) -> str:
    profile = user.profile
    skills = ", ".join(skill.name for skill in profile.skills.all())
    territory = profile.territory.name if profile.territory_id else ""
    return "\n".join(filter(None, [profile.trade, profile.organisation, territory, skills, profile.bio]))


def _members(ids):
    return (
        User.objects.filter(pk__in=ids, profile__isnull=False)
        .select_related("profile__territory")
        # The collèges come with the memberships (one query, not two).
        .prefetch_related(
            "profile__skills",
            Prefetch("college_memberships", queryset=CollegeMembership.objects.select_related("college")),
        )
    )


class MemberSource(Source):
    kind = "member"
    position = 60
    label = _("People")

    def entries(self, ids):
        return {
            user.pk: Entry(
                kind=self.kind,
                object_id=user.pk,
                scope=EVERY_MEMBER if user.is_active else STAFF_ONLY,
                title=user.get_full_name(),
                body=_profile_text(user),
                date=user.date_joined,
                colleges=[membership.college.slug for membership in user.college_memberships.all()],
                author_id=None,
            )
            for user in _members(ids)
        }

    def all_ids(self):
        return User.objects.filter(profile__isnull=False).order_by("pk").values_list("pk", flat=True).iterator()

    def allowed_scopes(self, user):
        if not policies.is_member(user):
            return set()
        return {EVERY_MEMBER, STAFF_ONLY} if policies.can_manage_association(user) else {EVERY_MEMBER}

    def display(self, user, ids, scopes):
        if EVERY_MEMBER not in scopes:
            return {}
        return {
            member.pk: Display(
                title=member.get_full_name(),
                url=reverse("member_detail", args=[member.pk]),
                text=_profile_text(member),
                context=", ".join(membership.college.name for membership in member.college_memberships.all()),
            )
            for member in _members(ids)
            if member.is_active or STAFF_ONLY in scopes
        }
