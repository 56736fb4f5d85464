"""Who may do what with proposals, votes and the register. Pages, actions and the flow ask here."""

from __future__ import annotations

from django.db.models import Q

from intranet import policies as core
from intranet.models import BoardRole, CollegeRole
from workflows.models import ProposalStatus


def can_run_board_votes(user) -> bool:
    """The president and the secretary open and close board votes."""
    return core.is_board_member(user, roles=[BoardRole.PRESIDENT, BoardRole.SECRETARY])


# --- The permissions the process's steps declare (workflows/proposals/flows.py) ---------------
# Viewflow asks ``user.has_perm`` whether someone may take a step; ``workflows.backends`` answers
# from here, so the steps, the task lists and the pages follow the same rules.

RUN_BOARD_VOTES = "workflows.run_board_votes"
VOTE_IN_BOARD = "workflows.vote_in_board"


def review_permission(college_id: int) -> str:
    """Held by the coordinators of one collège: they review the proposals raised in it."""
    return f"workflows.review_college_{college_id}"


def step_permissions(user) -> frozenset[str]:
    if not core.is_member(user):
        return frozenset()
    roles = core.roles_of(user)
    permissions = {
        review_permission(college_id)
        for college_id, (role, active) in roles.colleges.items()
        if role == CollegeRole.COORDINATOR and active
    }
    if roles.board:
        permissions.add(VOTE_IN_BOARD)
    if roles.board & {BoardRole.PRESIDENT, BoardRole.SECRETARY}:
        permissions.add(RUN_BOARD_VOTES)
    return frozenset(permissions)


def can_release_task(user, task) -> bool:
    """The person who took a task, or staff, give it back to its group."""
    return core.is_member(user) and (task.owner_id == user.pk or core.can_manage_association(user))


# --- Proposals -----------------------------------------------------------------------------


def visible_proposals_q(user, *, on_board: bool | None = None) -> Q:
    """The proposals ``user`` may open, as a filter: drafts to their author; in the collège to
    its members; once forwarded also to the board; once decided to every member; all to staff.
    ``on_board`` spares a query when the caller already knows."""
    if not core.is_member(user):
        return Q(pk__in=[])
    if core.can_manage_association(user):
        return Q()
    in_college = [
        ProposalStatus.IN_REVIEW, ProposalStatus.RETURNED, ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN,
        ProposalStatus.ON_AGENDA, ProposalStatus.VOTING,
    ]  # fmt: skip
    visible = (
        Q(author=user)
        | Q(status__in=[ProposalStatus.ADOPTED, ProposalStatus.REJECTED])
        | Q(status__in=in_college, college__memberships__user=user, college__is_active=True)
    )
    if on_board if on_board is not None else core.is_board_member(user):
        visible |= Q(status__in=[ProposalStatus.ON_AGENDA, ProposalStatus.VOTING])
    return visible


def can_view_proposal(user, proposal) -> bool:
    if not core.is_member(user):
        return False
    if core.can_manage_association(user) or proposal.author_id == user.pk:
        return True
    if proposal.status in (ProposalStatus.ADOPTED, ProposalStatus.REJECTED):
        return True
    if proposal.status == ProposalStatus.DRAFT:
        return False
    if proposal.status in (ProposalStatus.ON_AGENDA, ProposalStatus.VOTING) and core.is_board_member(user):
        return True
    return proposal.college.is_active and core.belongs_to_college(user, proposal.college_id)


def can_raise_proposal(user, college) -> bool:
    return college.is_active and core.belongs_to_college(user, college.pk)


EDITABLE = (ProposalStatus.DRAFT, ProposalStatus.RETURNED)


def is_author(user, proposal) -> bool:
    return core.is_member(user) and proposal.author_id == user.pk


def can_edit_proposal(user, proposal) -> bool:
    """The author edits a draft, or a proposal returned for changes."""
    return is_author(user, proposal) and proposal.status in EDITABLE


def can_attach_documents(user, proposal) -> bool:
    """The author attaches or uploads documents while the proposal is theirs to edit."""
    return can_edit_proposal(user, proposal)


def can_submit_proposal(user, proposal) -> bool:
    """The author submits what they may edit (a first time, or again after changes)."""
    return can_edit_proposal(user, proposal)


def can_review_proposal(user, proposal) -> bool:
    """The collège's coordinators forward, return or decline what is in review."""
    return (
        core.is_member(user)
        and proposal.status == ProposalStatus.IN_REVIEW
        and core.coordinates_college(user, proposal.college_id)
    )


def can_withdraw_proposal(user, proposal) -> bool:
    """The author, until the board vote opens."""
    return is_author(user, proposal) and proposal.status in WITHDRAWABLE


def can_see_ballots(user, vote) -> bool:
    """Board members follow an open vote's ballots as they come; the others see the result
    once it closes."""
    return vote.is_open and core.is_board_member(user)


def can_vote_in(user, vote) -> bool:
    """A board member, and, for a vote opened in a meeting, one of those in the room."""
    if not core.is_board_member(user):
        return False
    return not vote.for_the_room or vote.room_voters.filter(pk=user.pk).exists()


def proposal_actions(user, proposal, *, open_vote) -> dict[str, bool]:
    """What ``user`` may do with ``proposal`` now: the page's buttons and the API's "allowed"."""
    runs_votes = can_run_board_votes(user)
    vote_is_open = open_vote is not None
    return {
        "can_edit": can_edit_proposal(user, proposal),
        "can_submit": can_submit_proposal(user, proposal),
        "can_withdraw": can_withdraw_proposal(user, proposal),
        "can_review": can_review_proposal(user, proposal),
        "can_open_vote": runs_votes and proposal.status == ProposalStatus.ON_AGENDA,
        "can_vote": vote_is_open and can_vote_in(user, open_vote),
        "can_close_vote": vote_is_open and runs_votes,
    }


WITHDRAWABLE = (ProposalStatus.DRAFT, ProposalStatus.IN_REVIEW, ProposalStatus.RETURNED, ProposalStatus.ON_AGENDA)
