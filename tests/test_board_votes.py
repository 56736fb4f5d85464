"""Board votes: who votes, changing one's vote, closing, the result, and the decision register."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intranet.exceptions import ActionRefused
from intranet.models import AuditEntry
from tests.concurrency import failures, run_together
from tests.factories import make_member, make_proposal
from workflows import actions
from workflows.models import Ballot, BoardVote, Decision, Proposal, ProposalStatus, VoteResult


def on_agenda(author, title="Festival des films d'école") -> Proposal:
    return make_proposal(author, title=title)


def soon():
    return timezone.now() + timedelta(days=7)


@pytest.fixture
def vote(cast):
    return actions.open_board_vote(cast.secretary, proposal=on_agenda(cast.production_member), deadline=soon())


def test_the_secretary_opens_a_vote_on_a_proposal_of_the_agenda(cast, vote):
    vote.proposal.refresh_from_db()
    assert vote.proposal.status == ProposalStatus.VOTING
    assert vote.rules["quorum"] == "1/2"
    assert AuditEntry.objects.filter(action="vote.opened", target_id=str(vote.proposal_id)).exists()


@pytest.mark.parametrize("person", ["board_member", "production_member", "coordinator", "staff"])
def test_only_the_president_or_the_secretary_open_or_close_a_vote(cast, person, vote):
    with pytest.raises(PermissionDenied):
        actions.open_board_vote(getattr(cast, person), proposal=on_agenda(cast.production_member), deadline=soon())
    with pytest.raises(PermissionDenied):
        actions.close_board_vote(getattr(cast, person), vote=vote)


def test_a_vote_cannot_open_on_a_proposal_still_in_its_college(cast):
    proposal = make_proposal(cast.production_member, stage="in_review")
    with pytest.raises(ActionRefused, match=r"agenda|ordre du jour"):
        actions.open_board_vote(cast.president, proposal=proposal, deadline=soon())


def test_a_board_member_votes_and_changes_their_vote_until_the_close(cast, vote):
    actions.cast_ballot(cast.board_member, vote=vote, choice="against", comment="Trop cher")
    actions.cast_ballot(cast.board_member, vote=vote, choice="for")
    ballot = Ballot.objects.get(vote=vote)
    assert (ballot.voter_id, ballot.choice) == (cast.board_member.pk, "for")
    assert AuditEntry.objects.filter(action="vote.ballot_changed").count() == 1


# Statements of a ballot, those after commit included (the voter's "My tasks" marked to recount;
# PostgreSQL also takes that count's lock).
BALLOT_BUDGET = {"sqlite": 13, "postgresql": 14}


def test_a_ballot_asks_as_many_queries_however_large_the_board(cast, vote, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from intranet import actions as core_actions

    def statements_of_a_ballot(choice) -> int:
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            actions.cast_ballot(cast.board_member, vote=vote, choice=choice)
        return len(queries)

    actions.cast_ballot(cast.board_member, vote=vote, choice="abstain")  # then changed, as often
    first = statements_of_a_ballot("against")
    for number in range(5):
        member = make_member(actor=cast.staff, email=f"ca.{number}@example.org")
        core_actions.set_board_role(cast.staff, user=member, role="member")
    assert statements_of_a_ballot("for") == first == BALLOT_BUDGET[connection.vendor]


@pytest.mark.parametrize("person", ["production_member", "coordinator", "staff", "outsider"])
def test_people_outside_the_board_cannot_vote(cast, vote, person):
    with pytest.raises(PermissionDenied):
        actions.cast_ballot(getattr(cast, person), vote=vote, choice="for")
    assert not Ballot.objects.exists()


def test_when_everyone_has_voted_the_vote_closes_into_a_numbered_decision(cast, vote):
    for person, choice in [(cast.board_member, "for"), (cast.president, "against"), (cast.secretary, "for")]:
        actions.cast_ballot(person, vote=vote, choice=choice)
    vote.refresh_from_db()
    assert vote.result == VoteResult.ADOPTED and vote.close_reason == "everyone_voted"
    decision = Decision.objects.get()
    assert decision.number == f"CA-{timezone.localtime().year}-001"
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (2, 1, 0)
    assert Proposal.objects.get(pk=vote.proposal_id).status == ProposalStatus.ADOPTED
    with pytest.raises(ActionRefused, match=r"closed|clos"):
        actions.cast_ballot(cast.board_member, vote=vote, choice="against")


def test_closing_twice_is_refused_and_a_tie_goes_to_the_presidents_side(cast, vote):
    actions.cast_ballot(cast.board_member, vote=vote, choice="for")
    actions.cast_ballot(cast.president, vote=vote, choice="against")
    actions.close_board_vote(cast.secretary, vote=vote)
    vote.refresh_from_db()
    assert (vote.result, vote.casting_vote_used) == (VoteResult.REJECTED, True)
    with pytest.raises(ActionRefused, match=r"already|déjà"):
        actions.close_board_vote(cast.president, vote=vote)
    assert Decision.objects.get().outcome == VoteResult.REJECTED


def test_without_quorum_nothing_is_decided_and_a_new_vote_can_open(cast, vote):
    actions.cast_ballot(cast.board_member, vote=vote, choice="for")  # 1 of 3: under half
    actions.close_board_vote(cast.president, vote=vote)
    vote.refresh_from_db()
    assert vote.result == VoteResult.NO_QUORUM
    assert not Decision.objects.exists()
    proposal = Proposal.objects.get(pk=vote.proposal_id)
    assert proposal.status == ProposalStatus.ON_AGENDA
    again = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=soon())
    assert again.pk != vote.pk


def test_the_deadline_job_closes_past_votes_once_however_often_it_runs(cast, vote):
    actions.cast_ballot(cast.board_member, vote=vote, choice="for")
    actions.cast_ballot(cast.president, vote=vote, choice="for")
    later = timezone.now() + timedelta(days=8)
    assert [closed.pk for closed in actions.close_votes_past_deadline(later)] == [vote.pk]
    assert actions.close_votes_past_deadline(later) == []
    vote.refresh_from_db()
    assert vote.close_reason == "deadline" and vote.result == VoteResult.ADOPTED
    assert Decision.objects.count() == 1


def test_decision_numbers_follow_each_other_without_gaps(cast):
    numbers = []
    for index in range(3):
        vote = actions.open_board_vote(
            cast.secretary, proposal=on_agenda(cast.production_member, f"Proposition {index}"), deadline=soon()
        )
        actions.cast_ballot(cast.board_member, vote=vote, choice="for")
        actions.cast_ballot(cast.president, vote=vote, choice="for")
        actions.close_board_vote(cast.secretary, vote=vote)
        numbers.append(Decision.objects.get(vote=vote).sequence)
    assert numbers == [1, 2, 3]


def test_fifty_board_members_voting_at_once_are_all_counted_into_one_decision(association_bodies, cast):
    board = [make_member(actor=cast.staff, board_role="member", email=f"ca{index}@example.org") for index in range(47)]
    board += [cast.board_member, cast.president, cast.secretary]
    vote = actions.open_board_vote(cast.secretary, proposal=on_agenda(cast.production_member), deadline=soon())
    errors = failures(
        run_together(*[lambda person=person: actions.cast_ballot(person, vote=vote, choice="for") for person in board])
    )
    assert errors == []
    vote.refresh_from_db()
    assert Ballot.objects.filter(vote=vote).count() == 50
    assert (vote.result, vote.votes_for, vote.close_reason) == (VoteResult.ADOPTED, 50, "everyone_voted")
    assert Decision.objects.filter(vote=vote).count() == 1


def test_two_votes_closing_at_once_get_two_consecutive_numbers(association_bodies, cast):
    votes = []
    for index in range(2):
        vote = actions.open_board_vote(
            cast.secretary, proposal=on_agenda(cast.production_member, f"Proposition {index}"), deadline=soon()
        )
        actions.cast_ballot(cast.board_member, vote=vote, choice="for")
        actions.cast_ballot(cast.president, vote=vote, choice="for")
        votes.append(vote)
    errors = failures(
        run_together(*[lambda vote=vote: actions.close_board_vote(cast.secretary, vote=vote) for vote in votes])
    )
    assert errors == []
    assert sorted(Decision.objects.values_list("sequence", flat=True)) == [1, 2]
    assert BoardVote.objects.filter(closed_at__isnull=False).count() == 2


def test_closing_one_vote_twice_at_once_closes_it_once(association_bodies, cast):
    vote = actions.open_board_vote(cast.secretary, proposal=on_agenda(cast.production_member), deadline=soon())
    actions.cast_ballot(cast.board_member, vote=vote, choice="for")
    actions.cast_ballot(cast.president, vote=vote, choice="for")
    errors = failures(
        run_together(
            lambda: actions.close_board_vote(cast.secretary, vote=vote),
            lambda: actions.close_board_vote(cast.president, vote=vote),
        )
    )
    assert len(errors) == 1 and "ActionRefused" in errors[0]
    assert Decision.objects.count() == 1


def test_a_reminder_is_recorded_once_a_day_before_the_deadline(cast, vote):
    assert actions.remind_votes_closing_soon() == []  # a week ahead: too early
    near = vote.deadline - timedelta(hours=23)
    assert [item.pk for item in actions.remind_votes_closing_soon(near)] == [vote.pk]
    assert actions.remind_votes_closing_soon(near) == []
    assert AuditEntry.objects.filter(action="vote.closing_soon", target_id=str(vote.proposal_id)).count() == 1


def test_the_periodic_jobs_command_closes_what_is_due(cast, vote, capsys):
    from django.core.management import call_command

    BoardVote.objects.filter(pk=vote.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    call_command("worker", "--once")
    assert "1 vote(s) closed." in capsys.readouterr().out
    vote.refresh_from_db()
    assert vote.close_reason == "deadline"


def test_staff_change_the_rules_for_votes_opened_afterwards(cast, login, vote):
    from django.urls import reverse

    response = login(cast.staff).post(
        reverse("proposals:vote_rules"),
        {"quorum_percent": "75", "abstentions_count_for_quorum": "on", "majority": "two_thirds"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="vote.rules_changed")
    assert entry.details["quorum"] == {"from": "1/2", "to": "3/4"}
    assert "president_casting_vote" in entry.details  # unticked: the casting vote is off now
    vote.refresh_from_db()
    assert vote.rules["quorum"] == "1/2"  # the open vote keeps its rules
    later = actions.open_board_vote(
        cast.secretary, proposal=on_agenda(cast.production_member, "Autre"), deadline=soon()
    )
    assert later.rules == {
        "quorum": "3/4", "abstentions_count_for_quorum": True, "majority": "two_thirds", "president_casting_vote": False
    }  # fmt: skip


@pytest.mark.parametrize("person", ["president", "secretary", "coordinator", "production_member"])
def test_only_staff_open_the_voting_rules(cast, login, person):
    from django.urls import reverse

    client = login(getattr(cast, person))
    assert client.get(reverse("proposals:vote_rules")).status_code == 404
    assert (
        client.post(reverse("proposals:vote_rules"), {"quorum_percent": "1", "majority": "simple"}).status_code == 404
    )


def test_a_quorum_outside_1_to_100_is_refused_and_kept_in_the_form(cast, login):
    from django.urls import reverse

    response = login(cast.staff).post(reverse("proposals:vote_rules"), {"quorum_percent": "150", "majority": "simple"})
    assert response.status_code == 400
    assert 'value="150"' in response.content.decode()


def test_the_server_command_starts_the_worker_beside_the_server(db, monkeypatch):
    from django.core.management import call_command

    from intranet.management.commands import serve

    started, replaced = [], []
    monkeypatch.setattr(serve.subprocess, "Popen", lambda command: started.append(command))
    monkeypatch.setattr(serve.os, "execv", lambda path, command: replaced.append(command))
    call_command("serve", "--port", "8999")
    assert [command[2:] for command in started] == [["worker", "--stop-with-parent"]]
    [server] = replaced
    assert server[server.index("--ws-max-size") + 1] == "65536"  # large frames refused by the server
    assert "uvicorn" in replaced[0]
    assert server[server.index("--timeout-keep-alive") + 1] == "5"  # uvicorn's own, for browsers
    started.clear()
    call_command("serve", "--no-jobs", "--keep-alive", "75")
    assert not started
    assert replaced[-1][replaced[-1].index("--timeout-keep-alive") + 1] == "75"  # behind nginx
