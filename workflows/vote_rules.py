"""How a board vote is counted: one pure function over the ballots and the rules in force.

The defaults are the association's (PRODUCT.md): quorum when at least half of the board has
voted, abstentions included; adopted with more *pour* than *contre* among the votes cast; on a
tie, the president's vote decides. Staff may change the rules; a vote is always counted with
the rules it was opened under.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class Majority(StrEnum):
    SIMPLE = "simple"  # more for than against
    ABSOLUTE = "absolute"  # more for than half of the votes cast, abstentions included
    TWO_THIRDS = "two_thirds"  # at least two thirds of for + against


class Result(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True)
class VoteRules:
    quorum: Fraction = Fraction(1, 2)  # share of the board that must have voted
    abstentions_count_for_quorum: bool = True
    majority: Majority = Majority.SIMPLE
    president_casting_vote: bool = True


@dataclass(frozen=True)
class Tally:
    board_size: int
    votes_for: int
    votes_against: int
    abstentions: int
    quorum_needed: int
    quorum_reached: bool
    result: Result
    casting_vote_used: bool = False

    @property
    def votes_cast(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions


def quorum_needed(board_size: int, rules: VoteRules) -> int:
    """The smallest number of counted votes that reaches the quorum (at least one)."""
    return max(1, math.ceil(rules.quorum * board_size))


def count_votes(
    choices: Iterable[Choice], *, board_size: int, rules: VoteRules, president_choice: Choice | None = None
) -> Tally:
    """Count the ballots of the ``board_size`` board members; ``president_choice`` is the
    president's own ballot (also among ``choices``), if they voted."""
    choices = list(choices)
    if len(choices) > board_size:
        raise ValueError("more ballots than board members")
    votes_for = choices.count(Choice.FOR)
    votes_against = choices.count(Choice.AGAINST)
    abstentions = choices.count(Choice.ABSTAIN)
    counted = votes_for + votes_against + (abstentions if rules.abstentions_count_for_quorum else 0)
    needed = quorum_needed(board_size, rules)
    reached = board_size > 0 and counted >= needed
    casting = False
    if not reached:
        result = Result.NO_QUORUM
    elif rules.majority == Majority.ABSOLUTE:
        result = Result.ADOPTED if 2 * votes_for > len(choices) else Result.REJECTED
    elif rules.majority == Majority.TWO_THIRDS:
        result = Result.ADOPTED if votes_for and 3 * votes_for >= 2 * (votes_for + votes_against) else Result.REJECTED
    elif votes_for != votes_against:
        result = Result.ADOPTED if votes_for > votes_against else Result.REJECTED
    elif rules.president_casting_vote and votes_for and president_choice in (Choice.FOR, Choice.AGAINST):
        result = Result.ADOPTED if president_choice == Choice.FOR else Result.REJECTED
        casting = True
    else:
        # A tie nobody breaks (or nothing but abstentions) adopts nothing.
        result = Result.REJECTED
    return Tally(
        board_size=board_size,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        quorum_needed=needed,
        quorum_reached=reached,
        result=result,
        casting_vote_used=casting,
    )


def rules_as_json(rules: VoteRules) -> dict:
    return {
        "quorum": f"{rules.quorum.numerator}/{rules.quorum.denominator}",
        "abstentions_count_for_quorum": rules.abstentions_count_for_quorum,
        "majority": str(rules.majority),
        "president_casting_vote": rules.president_casting_vote,
    }


def rules_from_json(data: dict) -> VoteRules:
    return VoteRules(
        quorum=Fraction(data["quorum"]),
        abstentions_count_for_quorum=data["abstentions_count_for_quorum"],
        majority=Majority(data["majority"]),
        president_casting_vote=data["president_casting_vote"],
    )
