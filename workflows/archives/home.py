"""What the archive adds to the member's home (``intranet.activity``): the fonds whose step waits
for the reader (triage, appraisal, the collège Patrimoine's opinion, agreement, intake)."""

from __future__ import annotations

from django.urls import reverse

from intranet.activity import Waiting
from workflows.archives import selectors


def fonds_waiting(user) -> list[Waiting]:
    return [
        Waiting(
            kind="archive",
            title=row.fonds.title,
            url=reverse("archives:fonds", args=[row.fonds.pk]),
            action=row.step,
            since=row.fonds.updated_at,
        )
        for row in selectors.waiting_fonds(user)
    ]
