"""Proposals from their author through the collège's review to the board's agenda (the actions
the process will drive), and who may see them at each step."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied

from intranet.exceptions import ActionRefused
from intranet.models import AuditEntry, College, User
from tests.concurrency import failures, run_together
from workflows import actions, policies
from workflows.models import Proposal, ProposalStatus

EVERYONE = [
    "staff", "coordinator", "production_member", "president", "diffusion_member",
    "board_member", "secretary", "education_member", "patrimoine_member", "outsider",
]  # fmt: skip


def draft(cast, **kwargs) -> Proposal:
    return actions.create_proposal(
        cast.production_member,
        college=College.objects.get(slug="production"),
        title="Résidence d'écriture",
        summary="Accueillir deux auteur·rices par an.",
        body="Le collège **propose**…",
        **kwargs,
    )


def test_a_member_drafts_and_submits_a_proposal_which_opens_its_discussion(cast):
    proposal = draft(cast)
    assert proposal.status == ProposalStatus.DRAFT and "<strong>propose</strong>" in proposal.body_html
    proposal = actions.submit_proposal(cast.production_member, proposal=proposal, revision=proposal.revision)
    assert proposal.status == ProposalStatus.IN_REVIEW
    assert proposal.thread.forum.college.slug == "production"
    assert proposal.thread.proposal == proposal  # linked both ways
    assert AuditEntry.objects.filter(action="proposal.submitted", target_id=str(proposal.pk)).exists()


def test_the_same_creation_form_posted_twice_makes_one_proposal(cast):
    key = uuid.uuid4()
    assert draft(cast, creation_key=key).pk == draft(cast, creation_key=key).pk
    assert Proposal.objects.count() == 1


def test_submitting_twice_is_refused_with_a_clear_message(cast):
    proposal = draft(cast)
    actions.submit_proposal(cast.production_member, proposal=proposal)
    with pytest.raises(ActionRefused, match=r"already|déjà"):
        actions.submit_proposal(cast.production_member, proposal=proposal)
    assert Proposal.objects.get().thread is not None


@pytest.mark.parametrize("person", ["diffusion_member", "outsider", "board_member"])
def test_only_the_colleges_members_raise_proposals_in_it(cast, person):
    with pytest.raises(PermissionDenied):
        actions.create_proposal(
            getattr(cast, person), college=College.objects.get(slug="production"), title="x", summary="x", body="x"
        )


@pytest.mark.parametrize(
    ("title", "summary", "body", "field"),
    [("", "s", "b", "title"), ("t", "", "b", "summary"), ("t", "s", " ", "body"), ("t" * 201, "s", "b", "title")],
)
def test_incomplete_proposals_are_refused_field_by_field(cast, title, summary, body, field):
    with pytest.raises(ActionRefused) as refusal:
        actions.create_proposal(
            cast.production_member,
            college=College.objects.get(slug="production"),
            title=title,
            summary=summary,
            body=body,
        )
    assert refusal.value.field == field


def test_the_coordinator_returns_it_the_author_edits_and_resubmits_then_it_is_forwarded(cast):
    proposal = actions.submit_proposal(cast.production_member, proposal=draft(cast))
    actions.return_proposal(cast.coordinator, proposal=proposal, note="Chiffrez le budget.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.RETURNED and proposal.review_note == "Chiffrez le budget."
    proposal = actions.update_proposal(
        cast.production_member, proposal=proposal, title=proposal.title, summary=proposal.summary,
        body="Avec budget.", budget=12000, wished_decision_date=None, revision=proposal.revision,
    )  # fmt: skip
    thread = proposal.thread_id
    proposal = actions.submit_proposal(cast.production_member, proposal=proposal)
    assert proposal.thread_id == thread  # the same discussion goes on
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Avis favorable.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ON_AGENDA and proposal.recommendation == "Avis favorable."


def test_a_declined_proposal_keeps_its_reason(cast):
    proposal = actions.submit_proposal(cast.production_member, proposal=draft(cast))
    with pytest.raises(ActionRefused):
        actions.decline_proposal(cast.coordinator, proposal=proposal, reason="  ")
    actions.decline_proposal(cast.coordinator, proposal=proposal, reason="Hors du champ du collège.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review_note) == (ProposalStatus.DECLINED, "Hors du champ du collège.")


@pytest.mark.parametrize("person", ["production_member", "president", "diffusion_member", "staff"])
def test_only_the_colleges_coordinators_review(cast, person):
    proposal = actions.submit_proposal(cast.production_member, proposal=draft(cast))
    with pytest.raises(PermissionDenied):
        actions.forward_proposal(getattr(cast, person), proposal=proposal, recommendation="Oui")


def test_a_stale_review_form_is_refused(cast):
    proposal = actions.submit_proposal(cast.production_member, proposal=draft(cast))
    stale = proposal.revision
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Oui", revision=stale)
    with pytest.raises(ActionRefused, match=r"no longer|plus en attente"):
        actions.decline_proposal(cast.coordinator, proposal=proposal, reason="Non", revision=stale)


def test_two_coordinators_acting_at_once_one_wins_the_other_is_told(association_bodies, cast):
    from tests.factories import make_member

    second = make_member(actor=cast.staff, college="production", role="coordinator", email="coanim@example.org")
    proposal = actions.submit_proposal(cast.production_member, proposal=draft(cast))
    errors = failures(
        run_together(
            lambda: actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Oui"),
            lambda: actions.decline_proposal(second, proposal=proposal, reason="Non"),
        )
    )
    assert len(errors) == 1 and "ActionRefused" in errors[0]
    assert Proposal.objects.get().status in (ProposalStatus.ON_AGENDA, ProposalStatus.DECLINED)
    assert AuditEntry.objects.filter(action__in=["proposal.forwarded", "proposal.declined"]).count() == 1


def test_the_author_withdraws_until_the_board_vote_opens(cast):
    from datetime import timedelta

    from django.utils import timezone

    proposal = actions.submit_proposal(cast.production_member, proposal=draft(cast))
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Oui")
    actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=3))
    with pytest.raises(ActionRefused, match=r"withdrawn|retirée"):
        actions.withdraw_proposal(cast.production_member, proposal=proposal)
    other = actions.submit_proposal(cast.production_member, proposal=draft(cast))
    assert actions.withdraw_proposal(cast.production_member, proposal=other).status == ProposalStatus.WITHDRAWN


# Who sees a proposal at each step (author: production_member; collège: production).
VISIBLE = {
    "draft": {"staff", "production_member"},
    "in_review": {"staff", "production_member", "coordinator", "president"},
    "on_agenda": {"staff", "production_member", "coordinator", "president", "board_member", "secretary"},
    "adopted": set(EVERYONE),
}


@pytest.mark.parametrize("step", sorted(VISIBLE))
def test_visibility_follows_the_proposal_through_its_steps(cast, step):
    proposal = draft(cast)
    Proposal.objects.filter(pk=proposal.pk).update(status=step)
    proposal.refresh_from_db()
    for person in EVERYONE:
        user = User.objects.get(pk=getattr(cast, person).pk)
        expected = person in VISIBLE[step]
        assert policies.can_view_proposal(user, proposal) == expected, (step, person)
        assert Proposal.objects.filter(policies.visible_proposals_q(user)).filter(pk=proposal.pk).exists() == expected


def test_the_discussion_thread_links_back_to_its_proposal(cast, login):
    from django.urls import reverse

    proposal = actions.submit_proposal(cast.production_member, proposal=draft(cast))
    page = login(cast.coordinator).get(reverse("forums:thread", args=[proposal.thread_id])).content.decode()
    assert reverse("proposals:detail", args=[proposal.pk]) in page


def test_the_thread_page_reads_its_proposal_in_the_thread_s_own_query(cast, login):
    """The proposal's panel names the relation it reads (``panel_relations``): the forums' page
    loads it with the thread, naming nothing of the proposals itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    proposal = actions.submit_proposal(cast.production_member, proposal=draft(cast))
    coordinator = login(cast.coordinator)
    url = reverse("forums:thread", args=[proposal.thread_id])
    coordinator.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = coordinator.get(url).content.decode()
    assert reverse("proposals:detail", args=[proposal.pk]) in page
    assert [query["sql"] for query in queries if query["sql"].startswith('SELECT "workflows_proposal"')] == []
