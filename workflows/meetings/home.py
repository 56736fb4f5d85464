"""What board meetings add to the member's home (``intranet.activity``): the convocations the
reader has not answered, and for the officers the meetings still to convene."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from intranet.activity import Waiting
from workflows.meetings import selectors


def meetings_waiting(user) -> list[Waiting]:
    return [
        Waiting(
            kind="meeting",
            title=_("Meeting of %(when)s")
            % {"when": date_format(timezone.localtime(row.meeting.starts_at), "DATETIME_FORMAT")},
            url=reverse("meetings:detail", args=[row.meeting.pk]),
            action=_("say whether you will attend or give a proxy")
            if row.to_answer
            else _("build its agenda and convene the board"),
            due=row.meeting.starts_at,
        )
        for row in selectors.meetings_waiting_for(user)
    ]
