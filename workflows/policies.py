"""Who may do what with proposals, votes and the register. Pages, actions and the flow ask here."""

from __future__ import annotations

from intranet import policies as core
from intranet.models import BoardMembership, BoardRole


def is_board_member(user) -> bool:
    return core.is_member(user) and BoardMembership.objects.filter(user=user).exists()


def can_run_board_votes(user) -> bool:
    """The president and the secretary open and close board votes."""
    return (
        core.is_member(user)
        and BoardMembership.objects.filter(user=user, role__in=[BoardRole.PRESIDENT, BoardRole.SECRETARY]).exists()
    )
