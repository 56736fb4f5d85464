"""The core's part of notifications: members as targets (someone accepted my invitation)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from intranet import policies
from intranet.models import User
from intranet.notifications.targets import Target

SENTENCES = {
    "invitation_accepted": lambda: _("%(title)s accepted your invitation and joined the intranet"),
}


def describe_members(user, ids: list[int]) -> dict[int, Target]:
    return {
        member.pk: Target(title=member.get_full_name(), url=reverse("member_detail", args=[member.pk]))
        for member in User.objects.filter(pk__in=ids)
        if policies.can_view_member(user, member)
    }
