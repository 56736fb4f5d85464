"""The counting of a board vote, case by case (a pure function: no database)."""

from fractions import Fraction

import pytest

from workflows.vote_rules import Choice, Majority, Result, VoteRules, count_votes, quorum_needed

F, A, X = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN
DEFAULT = VoteRules()

# (ballots, board size, president's ballot, rules) → (result, quorum reached, casting vote used)
CASES = [
    # Quorum: at least half of the board, abstentions included.
    ([F, F, A], 6, None, DEFAULT, (Result.ADOPTED, True, False)),
    ([F, F], 6, None, DEFAULT, (Result.NO_QUORUM, False, False)),
    ([F, F, X], 7, None, DEFAULT, (Result.NO_QUORUM, False, False)),  # 3 of 7 < half
    ([F, F, X, X], 7, None, DEFAULT, (Result.ADOPTED, True, False)),  # abstentions count for quorum
    ([F, X, X], 6, None, VoteRules(abstentions_count_for_quorum=False), (Result.NO_QUORUM, False, False)),
    ([F, F, A, A, X], 5, None, VoteRules(quorum=Fraction(2, 3)), (Result.REJECTED, True, False)),
    # Majority among the votes cast: more for than against.
    ([F, A, A], 6, None, DEFAULT, (Result.REJECTED, True, False)),
    ([F, X, X, X], 6, None, DEFAULT, (Result.ADOPTED, True, False)),
    # Tie: the president's ballot decides, when they voted for or against.
    ([F, F, A, A], 6, F, DEFAULT, (Result.ADOPTED, True, True)),
    ([F, F, A, A], 6, A, DEFAULT, (Result.REJECTED, True, True)),
    ([F, F, A, A, X], 6, X, DEFAULT, (Result.REJECTED, True, False)),  # the president abstained
    ([F, F, A, A], 6, None, DEFAULT, (Result.REJECTED, True, False)),  # the president did not vote
    ([F, F, A, A], 6, F, VoteRules(president_casting_vote=False), (Result.REJECTED, True, False)),
    # Nothing but abstentions: quorum, and nothing adopted.
    ([X, X, X, X], 6, X, DEFAULT, (Result.REJECTED, True, False)),
    # Other majorities staff may choose.
    ([F, F, A, X, X], 6, None, VoteRules(majority=Majority.ABSOLUTE), (Result.REJECTED, True, False)),
    ([F, F, F, A, X], 6, None, VoteRules(majority=Majority.ABSOLUTE), (Result.ADOPTED, True, False)),
    ([F, F, A], 4, None, VoteRules(majority=Majority.TWO_THIRDS), (Result.ADOPTED, True, False)),
    ([F, F, A, A], 4, F, VoteRules(majority=Majority.TWO_THIRDS), (Result.REJECTED, True, False)),
    # Everyone voted.
    ([F] * 6 + [A] * 5, 11, A, DEFAULT, (Result.ADOPTED, True, False)),
]


@pytest.mark.parametrize(("ballots", "size", "president", "rules", "expected"), CASES)
def test_vote_counting(ballots, size, president, rules, expected):
    tally = count_votes(ballots, board_size=size, rules=rules, president_choice=president)
    assert (tally.result, tally.quorum_reached, tally.casting_vote_used) == expected
    assert tally.votes_cast == len(ballots)
    assert (tally.votes_for, tally.votes_against, tally.abstentions) == (
        ballots.count(F),
        ballots.count(A),
        ballots.count(X),
    )


@pytest.mark.parametrize(
    ("size", "quorum", "needed"),
    [
        (6, Fraction(1, 2), 3),
        (7, Fraction(1, 2), 4),
        (1, Fraction(1, 2), 1),
        (9, Fraction(2, 3), 6),
        (0, Fraction(1, 2), 1),
    ],
)
def test_quorum_is_rounded_up(size, quorum, needed):
    assert quorum_needed(size, VoteRules(quorum=quorum)) == needed


def test_an_empty_board_decides_nothing():
    assert count_votes([], board_size=0, rules=DEFAULT).result == Result.NO_QUORUM


def test_more_ballots_than_board_members_is_a_bug_not_a_result():
    with pytest.raises(ValueError, match="more ballots"):
        count_votes([F, F, F], board_size=2, rules=DEFAULT)
