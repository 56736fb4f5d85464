"""Members' public profiles as the search sees them: name, trade, organisation, territory,
skills and bio. Active members are found by every member; deactivated ones by staff only, as in
the directory."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from intranet import policies
from intranet.links import address_maker
from intranet.models import CollegeMembership, Skill, User, full_name
from intranet.search.sources import EVERY_MEMBER, STAFF_ONLY, Display, Entry, Source


def _text(trade: str, organisation: str, territory: str | None, skills: list[str], bio: str) -> str:
    return "\n".join(filter(None, [trade, organisation, territory or "", ", ".join(skills), bio]))


def _profile_text(user: User) -> str:
    profile = user.profile
    territory = profile.territory.name if profile.territory_id else ""
    return _text(
        profile.trade, profile.organisation, territory, [skill.name for skill in profile.skills.all()], profile.bio
    )


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
        # As values: the profile's parts, then the skills and the collèges of these people.
        people = User.objects.filter(pk__in=ids, profile__isnull=False)
        if STAFF_ONLY not in scopes:
            people = people.filter(is_active=True)
        skills, colleges = defaultdict(list), defaultdict(list)
        for user_id, name in Skill.objects.filter(profiles__user__in=ids).values_list("profiles__user", "name"):
            skills[user_id].append(name)
        memberships = CollegeMembership.objects.filter(user__in=ids).order_by("pk")
        for user_id, name in memberships.values_list("user_id", "college__name"):
            colleges[user_id].append(name)
        url = address_maker("member_detail")
        return {
            pk: Display(
                title=full_name(first, last),
                url=url(pk),
                text=_text(trade, organisation, territory, skills[pk], bio),
                context=", ".join(colleges[pk]),
            )
            for pk, first, last, trade, organisation, territory, bio in people.values_list(
                "pk",
                "first_name",
                "last_name",
                "profile__trade",
                "profile__organisation",
                "profile__territory__name",
                "profile__bio",
            )
        }
