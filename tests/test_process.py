"""The Viewflow process behind a proposal: its steps follow every transition, each step is offered
to the people its node declares, "Mes tâches" lists what waits for someone, and the proposal page
draws the process with the current step marked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from intranet.exceptions import ActionRefused
from intranet.models import AuditEntry, College
from tests.concurrency import failures, run_together
from tests.factories import make_member, make_proposal
from workflows import actions, selectors
from workflows.models import ProposalProcess
from workflows.proposals.flows import ProposalFlow

CAST = [
    "staff", "coordinator", "production_member", "president", "diffusion_member",
    "board_member", "secretary", "education_member", "patrimoine_member", "outsider",
]  # fmt: skip


def waiting_steps(proposal) -> list[tuple[str, str]]:
    tasks = Task.objects.filter(
        process__proposalprocess__proposal=proposal.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    return sorted((task.flow_task.name, task.status) for task in tasks)


def draft(cast, title="Résidence d'écriture"):
    return actions.create_proposal(
        cast.production_member, college=College.objects.get(slug="production"), title=title, summary="S", body="B"
    )


def soon():
    return timezone.now() + timedelta(days=3)


def test_each_transition_moves_the_process_to_the_next_step(cast):
    proposal = draft(cast)
    assert waiting_steps(proposal) == [("write", STATUS.ASSIGNED)]
    assert Task.objects.get(flow_task=ProposalFlow.write).owner == cast.production_member

    actions.submit_proposal(cast.production_member, proposal=proposal)
    assert waiting_steps(proposal) == [("review", STATUS.NEW)]

    actions.return_proposal(cast.coordinator, proposal=proposal, note="Précisez le budget.")
    assert waiting_steps(proposal) == [("write", STATUS.ASSIGNED)]  # back with its author
    actions.submit_proposal(cast.production_member, proposal=proposal)
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Favorable")
    assert waiting_steps(proposal) == [("agenda", STATUS.NEW)]

    vote = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=soon())
    assert waiting_steps(proposal) == [("vote", STATUS.NEW)]
    actions.close_board_vote(cast.secretary, vote=vote)  # nobody voted: no quorum
    assert waiting_steps(proposal) == [("agenda", STATUS.NEW)]  # back on the agenda

    vote = actions.open_board_vote(cast.president, proposal=proposal, deadline=soon())
    for person in (cast.board_member, cast.president, cast.secretary):
        actions.cast_ballot(person, vote=vote, choice="for")
    process = ProposalProcess.objects.get(proposal=proposal)
    assert waiting_steps(proposal) == [] and process.status == PROCESS.DONE
    assert process.task_set.filter(flow_task=ProposalFlow.adopted, status=STATUS.DONE).exists()


def test_a_declined_proposal_ends_its_process_and_a_withdrawn_one_cancels_it(cast):
    declined = make_proposal(cast.production_member, stage="in_review", title="Refusée")
    actions.decline_proposal(cast.coordinator, proposal=declined, reason="Hors champ")
    process = ProposalProcess.objects.get(proposal=declined)
    assert process.status == PROCESS.DONE
    assert process.task_set.filter(flow_task=ProposalFlow.declined).exists()

    withdrawn = make_proposal(cast.production_member, stage="on_agenda", reviewer=cast.coordinator, title="Retirée")
    actions.withdraw_proposal(cast.production_member, proposal=withdrawn)
    process = ProposalProcess.objects.get(proposal=withdrawn)
    assert process.status == PROCESS.CANCELED and waiting_steps(withdrawn) == []
    assert process.task_set.get(flow_task=ProposalFlow.agenda).status == STATUS.CANCELED


@pytest.mark.parametrize("person", CAST)
def test_each_step_is_offered_to_the_people_its_node_declares(cast, person):
    user = getattr(cast, person)
    proposal = make_proposal(cast.production_member, stage="in_review")
    review = Task.objects.get(flow_task=ProposalFlow.review, status=STATUS.NEW)
    assert ProposalFlow.review.can_assign(user, review) == (person == "coordinator")
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Favorable")
    agenda = Task.objects.get(flow_task=ProposalFlow.agenda, status=STATUS.NEW)
    assert ProposalFlow.agenda.can_assign(user, agenda) == (person in ("president", "secretary"))
    assert ProposalFlow.vote.can_vote(user) == (person in ("president", "secretary", "board_member"))
    # The task list asks the same rule as the nodes, and as Viewflow's own queue.
    mine = set(selectors.waiting_tasks(user).values_list("pk", flat=True))
    assert mine == set(
        Task.objects.user_queue(user).filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).values_list("pk", flat=True)
    )
    assert (agenda.pk in mine) == (person in ("president", "secretary"))


def test_a_coordinator_of_another_college_cannot_take_or_do_the_review(cast):
    proposal = make_proposal(cast.production_member, stage="in_review")
    other = make_member(actor=cast.staff, college="diffusion", role="coordinator")
    task = Task.objects.get(flow_task=ProposalFlow.review)
    with pytest.raises(PermissionDenied):
        actions.claim_task(other, task_id=task.pk)
    with pytest.raises(PermissionDenied):
        actions.forward_proposal(other, proposal=proposal, recommendation="Oui")
    assert waiting_steps(proposal) == [("review", STATUS.NEW)]


def test_a_task_taken_by_one_coordinator_is_refused_to_another_until_released(cast):
    proposal = make_proposal(cast.production_member, stage="in_review")
    second = make_member(
        actor=cast.staff, college="production", role="coordinator", first_name="Inès", last_name="Roux"
    )
    task = Task.objects.get(flow_task=ProposalFlow.review)
    actions.claim_task(second, task_id=task.pk)
    assert AuditEntry.objects.filter(action="task.claimed", actor=second).exists()
    with pytest.raises(ActionRefused, match="Inès Roux"):
        actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Oui")
    with pytest.raises(ActionRefused, match="Inès Roux"):
        actions.claim_task(cast.coordinator, task_id=task.pk)
    with pytest.raises(PermissionDenied):
        actions.release_task(cast.coordinator, task_id=task.pk)  # only its taker, or staff
    actions.release_task(cast.staff, task_id=task.pk)
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Oui")
    assert waiting_steps(proposal) == [("agenda", STATUS.NEW)]


def test_two_coordinators_taking_the_same_task_at_once_one_gets_it(association_bodies):
    from tests.factories import make_staff

    staff = make_staff()
    author = make_member(actor=staff, college="production")
    first, second = (make_member(actor=staff, college="production", role="coordinator") for _ in range(2))
    make_proposal(author, stage="in_review", reviewer=first)
    task = Task.objects.get(flow_task=ProposalFlow.review)
    outcomes = run_together(
        lambda: actions.claim_task(first, task_id=task.pk), lambda: actions.claim_task(second, task_id=task.pk)
    )
    assert len(failures(outcomes)) == 1 and "ActionRefused" in failures(outcomes)[0]
    task.refresh_from_db()
    assert task.owner_id in (first.pk, second.pk)
    assert AuditEntry.objects.filter(action="task.claimed").count() == 1


def test_my_tasks_lists_what_waits_for_me_with_its_count_in_the_navigation(
    cast, login, django_capture_on_commit_callbacks
):
    proposal = make_proposal(cast.production_member, stage="in_review", title="Fonds d'aide à l'écriture")
    page = login(cast.coordinator).get(reverse("proposals:tasks")).content.decode()
    assert "Fonds d&#x27;aide à l&#x27;écriture" in page and "Examen par le collège" in page
    assert re.search(r'class="nav-count">1<', page)
    for person in ("diffusion_member", "production_member", "board_member"):
        other = login(getattr(cast, person)).get(reverse("proposals:tasks")).content.decode()
        assert "Fonds d&#x27;aide" not in other and "nav-count" not in other

    # The coordinator takes it from the list, then acts on the proposal page.
    task = Task.objects.get(flow_task=ProposalFlow.review)
    response = login(cast.coordinator).post(reverse("proposals:task_claim", args=[task.pk]), follow=True)
    assert "La tâche est à vous" in response.content.decode()
    detail = login(cast.production_member).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "prise par " + cast.coordinator.get_full_name() in detail

    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Favorable")
    for officer in ("president", "secretary"):
        assert "Fonds d&#x27;aide" in login(getattr(cast, officer)).get(reverse("proposals:tasks")).content.decode()
    vote = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=soon())
    # Each board member finds the vote waiting for their ballot, until they vote.
    page = login(cast.board_member).get(reverse("proposals:tasks")).content.decode()
    assert "Fonds d&#x27;aide" in page and re.search(r'class="nav-count">1<', page)
    with django_capture_on_commit_callbacks(execute=True):  # the voter's count is made stale on commit
        actions.cast_ballot(cast.board_member, vote=vote, choice="for")
    page = login(cast.board_member).get(reverse("proposals:tasks")).content.decode()
    assert "Fonds d&#x27;aide" not in page and "nav-count" not in page


def test_a_task_of_a_proposal_one_may_not_open_is_a_404_and_tells_nothing(cast, login):
    draft_task = Task.objects.get(process__proposalprocess__proposal=draft(cast).pk, flow_task=ProposalFlow.write)
    make_proposal(cast.production_member, stage="in_review", title="En examen")
    review_task = Task.objects.get(flow_task=ProposalFlow.review)
    client = login(cast.diffusion_member)
    for task_id in (draft_task.pk, review_task.pk, 999999):
        for route in ("proposals:task_claim", "proposals:task_release"):
            assert client.post(reverse(route, args=[task_id])).status_code == 404
    # A member of the collège sees the proposal, but its review is not theirs: 403.
    member = login(cast.production_member)
    assert member.post(reverse("proposals:task_claim", args=[review_task.pk])).status_code == 403
    second = make_member(actor=cast.staff, college="production", role="coordinator")
    actions.claim_task(cast.coordinator, task_id=review_task.pk)
    assert login(second).post(reverse("proposals:task_release", args=[review_task.pk])).status_code == 403
    review_task.refresh_from_db()
    assert review_task.owner == cast.coordinator


def test_a_superuser_is_not_a_coordinator_for_the_process(cast):
    from intranet.models import User

    proposal = make_proposal(cast.production_member, stage="in_review")
    root = make_member(actor=cast.staff, college="production")
    User.objects.filter(pk=root.pk).update(is_superuser=True)
    root = User.objects.get(pk=root.pk)
    task = Task.objects.get(flow_task=ProposalFlow.review)
    assert not ProposalFlow.review.can_assign(root, task)
    with pytest.raises(PermissionDenied):
        actions.claim_task(root, task_id=task.pk)
    with pytest.raises(PermissionDenied):
        actions.forward_proposal(root, proposal=proposal, recommendation="Oui")


def test_a_task_taken_by_someone_who_lost_the_role_goes_back_to_the_group(cast):
    from intranet import actions as core_actions

    proposal = make_proposal(cast.production_member, stage="in_review")
    leaving = make_member(actor=cast.staff, college="production", role="coordinator")
    task = Task.objects.get(flow_task=ProposalFlow.review)
    actions.claim_task(leaving, task_id=task.pk)
    membership = leaving.college_memberships.get(college__slug="production")
    core_actions.change_college_role(cast.staff, membership=membership, role="member")
    assert not selectors.waiting_tasks(leaving).exists()
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Favorable")
    assert waiting_steps(proposal) == [("agenda", STATUS.NEW)]


def test_the_proposal_page_draws_the_process_with_the_current_step_marked(cast, login):
    proposal = make_proposal(cast.production_member, stage="in_review")
    page = login(cast.production_member).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert re.search(r'<svg class="process-diagram__svg" role="img"', page)
    assert re.search(r'process-diagram__step--done" data-step="write"', page)
    assert re.search(r'process-diagram__step--current" data-step="review"', page)
    assert re.search(r'class="process-diagram__step" data-step="agenda"', page)
    assert "Étape en cours\xa0: <strong>Examen par le collège</strong>" in page
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Favorable")
    page = login(cast.production_member).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert re.search(r'process-diagram__step--current" data-step="agenda"', page)
    assert re.search(r'process-diagram__step--done" data-step="review"', page)


def test_a_proposal_from_before_the_process_gets_one_in_the_step_of_its_status(cast):
    from workflows.proposals.backfill import start_missing_processes

    in_review = make_proposal(cast.production_member, stage="in_review", title="Ancienne en examen")
    on_agenda = make_proposal(cast.production_member, stage="on_agenda", reviewer=cast.coordinator, title="Ancienne")
    withdrawn = make_proposal(cast.production_member, stage="draft", title="Ancienne retirée")
    actions.withdraw_proposal(cast.production_member, proposal=withdrawn)
    ProposalProcess.objects.all().delete()  # as they were before the process existed
    assert start_missing_processes() == 3 and start_missing_processes() == 0
    assert waiting_steps(in_review) == [("review", STATUS.NEW)]
    assert ProposalProcess.objects.get(proposal=withdrawn).status == PROCESS.CANCELED
    # And they move on like any other.
    actions.forward_proposal(cast.coordinator, proposal=in_review, recommendation="Favorable")
    assert waiting_steps(in_review) == [("agenda", STATUS.NEW)]
    vote = actions.open_board_vote(cast.secretary, proposal=on_agenda, deadline=soon())
    for person in (cast.board_member, cast.president, cast.secretary):
        actions.cast_ballot(person, vote=vote, choice="against")
    assert ProposalProcess.objects.get(proposal=on_agenda).status == PROCESS.DONE
