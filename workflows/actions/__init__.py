"""Every change in proposals, the board's votes and the decision register.

Each transition locks the proposal's process row, then the proposal (``select_for_update`` on
PostgreSQL; SQLite's immediate transactions serialise writers), checks the policy and the
permission the Viewflow step declares, changes the proposal, writes its audit row, and completes
the step, all in one transaction. A vote's row is locked too whenever a ballot is cast or the
vote closes, so that a ballot is never lost to a close that counted without it, and a vote
closes once. Decision numbers come from a per-year counter locked in the same transaction:
unique and without gaps. One module per subject; every action is importable from here.
"""

from workflows.actions.common import lock_proposals
from workflows.actions.documents import PROPOSALS_FOLDER, attach_document, detach_document, proposal_folder
from workflows.actions.proposals import (
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    create_proposal,
    decline_proposal,
    forward_proposal,
    return_proposal,
    submit_proposal,
    update_proposal,
    withdraw_proposal,
)
from workflows.actions.register import DECISION_PREFIX, allocate_decision_number
from workflows.actions.tasks import claim_task, release_task
from workflows.actions.votes import (
    REMINDER_BEFORE,
    cast_ballot,
    change_vote_rules,
    check_counts_in_session,
    close_board_vote,
    close_votes_past_deadline,
    open_board_vote,
    record_vote_in_session,
    remind_votes_closing_soon,
    tally_in_session,
)

__all__ = [
    "DECISION_PREFIX",
    "PROPOSALS_FOLDER",
    "REMINDER_BEFORE",
    "SUMMARY_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "allocate_decision_number",
    "attach_document",
    "cast_ballot",
    "change_vote_rules",
    "check_counts_in_session",
    "claim_task",
    "close_board_vote",
    "close_votes_past_deadline",
    "create_proposal",
    "decline_proposal",
    "detach_document",
    "forward_proposal",
    "lock_proposals",
    "open_board_vote",
    "proposal_folder",
    "record_vote_in_session",
    "release_task",
    "remind_votes_closing_soon",
    "return_proposal",
    "submit_proposal",
    "tally_in_session",
    "update_proposal",
    "withdraw_proposal",
]
