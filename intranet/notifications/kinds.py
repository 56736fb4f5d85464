"""The kinds of notification, how each is delivered by default, and which are grouped."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MENTION = "mention", _("Someone mentions me")
    REPLY = "reply", _("A reply in a thread I follow")
    NEW_THREAD = "new_thread", _("A new thread in a forum I follow")
    TASK = "task", _("A task waits for me or my group")
    PROPOSAL = "proposal", _("My proposal moves on (forwarded, returned, declined, decided)")
    VOTE = "vote", _("Board votes (opened, closing within 24 hours, closed)")
    DECISION = "decision", _("A decision is recorded")
    MEETING = "meeting", _("Board meetings I am convened to")
    SHARE = "share", _("A folder is shared with me")
    INVITATION = "invitation", _("Someone I invited joins")


# A notification of these kinds may change what waits for the person (the home's "waiting for
# me"): an open home reads that card again for these, not for every reply in a followed thread.
MAY_CHANGE_WAITING = frozenset({Kind.MENTION, Kind.TASK, Kind.PROPOSAL, Kind.VOTE, Kind.MEETING})


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("by e-mail at once")
    DIGEST = "digest", _("in the daily digest")
    NEVER = "never", _("never by e-mail")


# What needs the member now goes at once; the rest waits for the daily digest.
DEFAULT_DELIVERY = dict.fromkeys(Kind, Delivery.DIGEST)
DEFAULT_DELIVERY.update(
    {Kind.MENTION: Delivery.IMMEDIATELY, Kind.TASK: Delivery.IMMEDIATELY, Kind.MEETING: Delivery.IMMEDIATELY}
)

# Sent "at once" but held a little, so that a burst about one thing (ten replies in a thread, a
# mention in each) makes one e-mail. A mention waits a minute at most; a task not at all.
GROUPING_WINDOWS = {
    Kind.MENTION: timedelta(minutes=1),
    Kind.REPLY: timedelta(minutes=5),
    Kind.NEW_THREAD: timedelta(minutes=5),
    Kind.VOTE: timedelta(minutes=5),
    Kind.DECISION: timedelta(minutes=5),
}
GROUPING_WINDOW = max(GROUPING_WINDOWS.values())
