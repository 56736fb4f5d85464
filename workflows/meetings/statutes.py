"""The statutes' rules of the board's meetings (notice, proxies, quorum), set by staff: they
apply to the meetings convened from then on; a convened meeting keeps those it was convened under."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows.meetings import policies
from workflows.meetings.actions import MeetingAction, require
from workflows.meetings.models import MeetingSettings

RULE_LIMITS = {"convocation_days": (0, 90), "max_proxies_held": (0, 10), "quorum_percent": (1, 100)}


def change_meeting_rules(
    actor: User, *, convocation_days: int, max_proxies_held: int, quorum_percent: int
) -> MeetingSettings:
    """The statutes' rules for the meetings convened from now on; a convened meeting keeps its own."""
    require(policies.can_set_meeting_rules(actor), "Only staff set the rules of the board's meetings.")
    wanted = {
        "convocation_days": convocation_days, "max_proxies_held": max_proxies_held, "quorum_percent": quorum_percent
    }  # fmt: skip
    for name, value in wanted.items():
        low, high = RULE_LIMITS[name]
        if not low <= value <= high:
            message = _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            raise ActionRefused(message, field=name)
    with transaction.atomic():
        settings = MeetingSettings.objects.select_for_update().order_by("pk").first() or MeetingSettings()
        changes = {
            name: {"from": getattr(settings, name), "to": value}
            for name, value in wanted.items()
            if getattr(settings, name) != value
        }
        for name, value in wanted.items():
            setattr(settings, name, value)
        settings.save()
        record(actor, MeetingAction.RULES_CHANGED, settings, **changes)
    return settings
