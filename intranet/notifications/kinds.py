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
    SHARE = "share", _("A folder is shared with me")
    INVITATION = "invitation", _("Someone I invited joins")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("by e-mail at once")
    DIGEST = "digest", _("in the daily digest")
    NEVER = "never", _("never by e-mail")


# What needs the member now goes at once; the rest waits for the daily digest.
DEFAULT_DELIVERY = dict.fromkeys(Kind, Delivery.DIGEST)
DEFAULT_DELIVERY.update({Kind.MENTION: Delivery.IMMEDIATELY, Kind.TASK: Delivery.IMMEDIATELY})

# Sent at once but held a little, so that a burst (ten replies in a thread) makes one e-mail.
GROUPED_KINDS = frozenset({Kind.REPLY, Kind.NEW_THREAD, Kind.VOTE, Kind.DECISION})
GROUPING_WINDOW = timedelta(minutes=5)
