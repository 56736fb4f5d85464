"""Who is in the room of a meeting, from the secretary's roll call: the quorum, who votes,
whether the counts of a vote in the room count anything, and who voted what by roll call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from intranet.exceptions import ActionRefused
from intranet.models import BoardMembership, User
from workflows.meetings import rules
from workflows.meetings.models import AgendaItem, Attendance, Meeting
from workflows.models import Ballot, BallotChoice, BoardVote, CloseReason, VoteResult, VoteSettings
from workflows.vote_rules import Choice, count_votes


def board_ids() -> set[int]:
    return set(BoardMembership.objects.filter(user__is_active=True).values_list("user_id", flat=True))


def _rows(meeting: Meeting) -> list[tuple[int, str, int | None, bool | None]]:
    return list(
        Attendance.objects.filter(meeting=meeting).values_list("member_id", "answer", "proxy_to_id", "present_in_room")
    )


def room_quorum(meeting: Meeting) -> rules.Quorum | None:
    """Who may vote in the room (present, and represented by a present holder), from the roll
    call; None before the secretary recorded one."""
    quorum, from_roll_call = rules.quorum_of_attendance(
        board_ids(), _rows(meeting), quorum=meeting.quorum, max_held=meeting.max_proxies_held or 0
    )
    return quorum if from_roll_call else None


def room_voters_of(meeting: Meeting) -> dict[int, int | None]:
    """Each board member who votes in the room → None when present, or the present member who
    holds their proxy."""
    return rules.room_voters(board_ids(), _rows(meeting), max_held=meeting.max_proxies_held or 0)


def refuse_empty_counts(votes_for: int, votes_against: int, abstentions: int) -> None:
    """Counts that add up to nothing were not counted (a form left at zero): not a vote."""
    if votes_for + votes_against + abstentions == 0:
        raise ActionRefused(
            _("Nothing was counted: give the number of votes for, against and abstentions."), field="votes_for"
        )


def president_must_break_the_tie(
    votes_for: int, votes_against: int, abstentions: int, *, board_size: int, president_choice: str
) -> bool:
    """Whether the president's vote, not given, would decide these counts under the rules in force
    (a tie, the quorum reached, the casting vote theirs): the room asks for it rather than
    recording the tie as rejected. An abstention given is an answer: it leaves the tie as it is."""
    if president_choice:
        return False
    vote_rules = VoteSettings.current().rules()
    choices = [Choice.FOR] * votes_for + [Choice.AGAINST] * votes_against + [Choice.ABSTAIN] * abstentions
    if len(choices) > board_size:
        return False  # refused for its counts, with their own reason
    outcomes = {
        count_votes(choices, board_size=board_size, rules=vote_rules, president_choice=choice).result
        for choice in (Choice.FOR, Choice.AGAINST)
    }
    return len(outcomes) > 1


def refuse_a_tie_without_the_president(
    votes_for: int,
    votes_against: int,
    abstentions: int,
    *,
    board_size: int,
    president_votes: bool,
    president_choice: str,
    field: str = "president_choice",
) -> None:
    """A tie that the president's casting vote decides, the president present or represented in
    the room and their vote not given: refused (the counts stay in the form), never recorded as
    rejected with a number that can no longer change."""
    if president_votes and president_must_break_the_tie(
        votes_for, votes_against, abstentions, board_size=board_size, president_choice=president_choice
    ):
        raise ActionRefused(
            _(
                "The votes are tied and the president is present or represented: give the president's vote, "
                "which decides the tie."
            ),
            field=field,
        )


def unbroken_tie(votes_for: int | None, votes_against: int | None, *, result: str, casting_vote_used: bool) -> bool:
    """As many for as against (some of each), counted with the quorum, and no casting vote
    decided it: the page and the minutes say so."""
    return bool(votes_for) and votes_for == votes_against and result != VoteResult.NO_QUORUM and not casting_vote_used


def item_vote_is_an_unbroken_tie(item: AgendaItem) -> bool:
    """The item's vote in the room (a proposal's, or the approval of minutes) was a tie left as it was."""
    if item.approval_result:
        counts = item.approval_counts or {}
        return unbroken_tie(
            counts.get("for"), counts.get("against"),
            result=item.approval_result, casting_vote_used=bool(counts.get("casting_vote_used")),
        )  # fmt: skip
    vote = item.vote
    if vote is None or not vote.result:
        return False
    return unbroken_tie(
        vote.votes_for, vote.votes_against, result=vote.result, casting_vote_used=vote.casting_vote_used
    )


@dataclass(frozen=True)
class NamedBallot:
    """One voter's choice in a vote by roll call; ``proxy_holder`` gave it for a member who was
    represented."""

    voter: User
    choice: str  # a BallotChoice value
    proxy_holder: User | None = None

    @property
    def choice_label(self) -> str:
        return BallotChoice(self.choice).label

    @property
    def by_proxy(self) -> bool:
        return self.proxy_holder is not None


def roll_calls_of(meeting: Meeting, votes: Iterable[BoardVote | None]) -> dict[int, list[NamedBallot]]:
    """The votes of this meeting held by roll call (vote id → each voter by name with their
    choice, and who gave it for them by proxy, as recorded with the vote): one query, none when
    no vote was held in the room."""
    held = [vote.pk for vote in votes if vote is not None and vote.close_reason == CloseReason.HELD_IN_SESSION]
    if not held:
        return {}
    # Only a roll call keeps ballots among the votes held in session (the counted ones keep counts).
    ballots = (
        Ballot.objects.filter(vote_id__in=held)
        .select_related("voter", "cast_by")
        .order_by("voter__last_name", "voter__first_name", "voter_id")
    )
    named: dict[int, list[NamedBallot]] = {}
    for ballot in ballots:
        named.setdefault(ballot.vote_id, []).append(
            NamedBallot(voter=ballot.voter, choice=ballot.choice, proxy_holder=ballot.cast_by)
        )
    return named
