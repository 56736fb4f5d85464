"""A proposal's whole life through the pages: drafted, submitted, reviewed, voted on, decided."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from intranet.models import AuditEntry
from workflows.models import Ballot, Decision, Proposal, ProposalStatus

EVERYONE = [
    "staff", "coordinator", "production_member", "president", "diffusion_member",
    "board_member", "secretary", "education_member", "patrimoine_member", "outsider",
]  # fmt: skip


def creation_key(page: str) -> str:
    return re.search(r'name="creation_key" value="([^"]+)"', page).group(1)


def test_a_proposal_goes_from_its_author_through_the_college_and_the_board_into_the_register(cast, login):
    author = login(cast.production_member)
    form = author.get(reverse("proposals:create", args=["production"])).content.decode()
    data = {
        "title": "Résidence d'écriture", "summary": "Deux auteur·rices par an.", "body": "Le **texte**.",
        "budget": "12000", "wished_decision_date": "", "creation_key": creation_key(form),
    }  # fmt: skip
    response = author.post(reverse("proposals:create", args=["production"]), data)
    proposal = Proposal.objects.get()
    assert response.url == reverse("proposals:detail", args=[proposal.pk])
    author.post(reverse("proposals:create", args=["production"]), data)  # a double click
    assert Proposal.objects.count() == 1
    author.post(reverse("proposals:submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_REVIEW and proposal.thread_id

    coordinator = login(cast.coordinator)
    page = coordinator.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert 'name="decision"' in page
    coordinator.post(
        reverse("proposals:review", args=[proposal.pk]),
        {"decision": "forward", "text": "Avis favorable.", "revision": proposal.revision},
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ON_AGENDA

    secretary = login(cast.secretary)
    deadline = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    secretary.post(reverse("proposals:vote_open", args=[proposal.pk]), {"deadline": deadline})
    vote = proposal.votes.get()
    for person, choice in [(cast.board_member, "for"), (cast.president, "for")]:
        response = login(person).post(reverse("proposals:vote_cast", args=[vote.pk]), {"choice": choice})
        assert response.status_code == 302
    # Board members see the running tally; the collège's members see only that a vote is open.
    assert "2 pour" in login(cast.secretary).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    member_page = login(cast.production_member).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "2 pour" not in member_page
    login(cast.secretary).post(reverse("proposals:vote_cast", args=[vote.pk]), {"choice": "against"})
    decision = Decision.objects.get()
    assert decision.outcome == "adopted"
    register = login(cast.outsider).get(reverse("workflows:register")).content.decode()
    assert decision.number in register
    page = login(cast.outsider).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert decision.number in page and "Avis favorable." in page
    assert page.count("<time") >= 5  # the timeline: drafted, submitted, forwarded, vote opened, votes…


def test_a_second_coordinator_acting_on_a_stale_page_is_told_and_keeps_the_form(cast, login):
    from intranet.models import College
    from tests.factories import make_member
    from workflows import actions

    proposal = actions.create_proposal(
        cast.production_member, college=College.objects.get(slug="production"), title="T", summary="S", body="B"
    )
    proposal = actions.submit_proposal(cast.production_member, proposal=proposal)
    second = make_member(actor=cast.staff, college="production", role="coordinator", email="co2@example.org")
    stale = proposal.revision
    login(cast.coordinator).post(
        reverse("proposals:review", args=[proposal.pk]), {"decision": "forward", "text": "Oui", "revision": stale}
    )
    response = login(second).post(
        reverse("proposals:review", args=[proposal.pk]), {"decision": "decline", "text": "Mon motif", "revision": stale}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "plus en attente" in page


@pytest.mark.parametrize("person", ["diffusion_member", "outsider", "board_member"])
def test_a_draft_or_a_proposal_in_review_is_a_404_for_others(cast, login, person):
    from intranet.models import College
    from workflows import actions

    proposal = actions.create_proposal(
        cast.production_member,
        college=College.objects.get(slug="production"),
        title="Titre confidentiel",
        summary="S",
        body="B",
    )
    client = login(getattr(cast, person))
    assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404
    actions.submit_proposal(cast.production_member, proposal=proposal)
    assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("proposals:detail", args=[999999])).status_code == 404
    assert client.post(reverse("proposals:submit", args=[proposal.pk])).status_code == 404
    assert "Titre confidentiel" not in client.get(reverse("proposals:index")).content.decode()


def test_only_board_members_vote_and_nobody_votes_for_another(cast, login):
    from intranet.models import College
    from workflows import actions

    proposal = actions.create_proposal(
        cast.production_member, college=College.objects.get(slug="production"), title="T", summary="S", body="B"
    )
    actions.submit_proposal(cast.production_member, proposal=proposal)
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Oui")
    vote = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=1))
    assert (
        login(cast.coordinator).post(reverse("proposals:vote_cast", args=[vote.pk]), {"choice": "for"}).status_code
        == 403
    )
    login(cast.board_member).post(
        reverse("proposals:vote_cast", args=[vote.pk]), {"choice": "for", "voter": cast.president.pk}
    )
    assert list(Ballot.objects.values_list("voter_id", flat=True)) == [cast.board_member.pk]
    assert login(cast.board_member).post(reverse("proposals:vote_close", args=[vote.pk])).status_code == 403


PROPOSAL_ROUTES = {
    "index": ("get", []),
    "vote_rules": ("get", []),
    "create": ("get", ["production"]),
    "detail": ("get", [1]),
    "edit": ("get", [1]),
    "submit": ("post", [1]),
    "withdraw": ("post", [1]),
    "review": ("post", [1]),
    "vote_open": ("post", [1]),
    "vote_cast": ("post", [1]),
    "vote_close": ("post", [1]),
    "tasks": ("get", []),
    "folder": ("post", [1]),
    "document_attach": ("post", [1]),
    "document_detach": ("post", [1, 1]),
    "task_claim": ("post", [1]),
    "task_release": ("post", [1]),
}


def test_every_proposal_route_has_its_cases():
    _prefix, resolver = get_resolver().namespace_dict["proposals"]
    assert {name for name in resolver.reverse_dict if isinstance(name, str)} == set(PROPOSAL_ROUTES)


@pytest.mark.parametrize("name", sorted(PROPOSAL_ROUTES))
def test_anonymous_visitors_are_sent_to_login_from_every_proposal_route(client, db, name):
    method, args = PROPOSAL_ROUTES[name]
    response = getattr(client, method)(reverse(f"proposals:{name}", args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def _submitted(cast, login, title="Proposition"):
    from intranet.models import College
    from workflows import actions

    proposal = actions.create_proposal(
        cast.production_member, college=College.objects.get(slug="production"), title=title, summary="S", body="B"
    )
    login(cast.production_member).post(reverse("proposals:submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    return proposal


def test_returned_then_edited_and_resubmitted_through_the_pages(cast, login):
    proposal = _submitted(cast, login)
    login(cast.coordinator).post(
        reverse("proposals:review", args=[proposal.pk]),
        {"decision": "return", "text": "Chiffrez le budget.", "revision": proposal.revision},
    )
    proposal.refresh_from_db()
    author = login(cast.production_member)
    assert "Chiffrez le budget." in author.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    response = author.post(
        reverse("proposals:edit", args=[proposal.pk]),
        {"title": "Proposition chiffrée", "summary": "S", "body": "B", "budget": "900", "revision": proposal.revision},
    )
    assert response.status_code == 302
    author.post(reverse("proposals:submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.title, proposal.budget) == (ProposalStatus.IN_REVIEW, "Proposition chiffrée", 900)
    # Once submitted, the author can no longer edit it.
    assert author.get(reverse("proposals:edit", args=[proposal.pk])).status_code == 403


def test_declined_and_withdrawn_through_the_pages(cast, login):
    declined = _submitted(cast, login, "Refusée")
    response = login(cast.coordinator).post(
        reverse("proposals:review", args=[declined.pk]),
        {"decision": "decline", "text": "", "revision": declined.revision},
    )
    assert response.status_code == 400  # a reason is required; nothing changed
    login(cast.coordinator).post(
        reverse("proposals:review", args=[declined.pk]),
        {"decision": "decline", "text": "Hors champ", "revision": declined.revision},
    )
    declined.refresh_from_db()
    assert declined.status == ProposalStatus.DECLINED
    withdrawn = _submitted(cast, login, "Retirée")
    login(cast.production_member).post(reverse("proposals:withdraw", args=[withdrawn.pk]))
    withdrawn.refresh_from_db()
    assert withdrawn.status == ProposalStatus.WITHDRAWN


def test_without_quorum_the_proposal_goes_back_on_the_agenda_through_the_pages(cast, login):
    proposal = _submitted(cast, login)
    login(cast.coordinator).post(
        reverse("proposals:review", args=[proposal.pk]),
        {"decision": "forward", "text": "Oui", "revision": proposal.revision},
    )
    deadline = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    login(cast.secretary).post(reverse("proposals:vote_open", args=[proposal.pk]), {"deadline": deadline})
    vote = proposal.votes.get()
    login(cast.board_member).post(reverse("proposals:vote_cast", args=[vote.pk]), {"choice": "for"})
    login(cast.president).post(reverse("proposals:vote_close", args=[vote.pk]))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ON_AGENDA and not Decision.objects.exists()
    page = login(cast.secretary).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "quorum non atteint" in page and 'name="deadline"' in page  # a new vote can be opened
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = login(cast.secretary).post(reverse("proposals:vote_open", args=[proposal.pk]), {"deadline": past})
    assert response.status_code == 400 and "futur" in response.content.decode()


def _adopted(cast, proposal) -> Decision:
    """The board adopts a proposal waiting in its collège: its decision."""
    from workflows import actions

    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Oui")
    vote = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=1))
    for person in (cast.board_member, cast.president, cast.secretary):
        actions.cast_ballot(person, vote=vote, choice="for")
    return Decision.objects.get(vote=vote)


def test_an_adopted_proposal_that_amends_a_decision_links_both(cast, login):
    from workflows import actions

    first = _adopted(cast, _submitted(cast, login, "Tarifs 2026"))
    author = login(cast.production_member)
    form = author.get(reverse("proposals:create", args=["production"])).content.decode()
    assert first.number in form
    author.post(
        reverse("proposals:create", args=["production"]),
        {
            "title": "Tarifs 2027",
            "summary": "S",
            "body": "B",
            "amends": first.number,
            "creation_key": creation_key(form),
        },
    )
    proposal = Proposal.objects.get(title="Tarifs 2027")
    page = author.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    # What the board will vote on says which decision it changes, before the vote.
    assert "Modifie la délibération" in page
    assert f'href="{reverse("workflows:decision", args=[first.number])}"' in page
    actions.submit_proposal(cast.production_member, proposal=proposal)
    second = _adopted(cast, proposal)
    assert second.amends_id == first.pk
    page = login(cast.outsider).get(reverse("workflows:decision", args=[first.number])).content.decode()
    assert second.number in page  # "amended by"


def test_a_proposal_cannot_amend_and_repeal_one_decision_nor_wish_a_past_date(cast, login):
    from tests.factories import make_proposal

    decision = _adopted(cast, _submitted(cast, login, "Tarifs 2026"))
    author = login(cast.production_member)
    url = reverse("proposals:create", args=["production"])
    form = author.get(url).content.decode()
    fields = {"title": "Tarifs 2027", "summary": "S", "body": "Le texte", "creation_key": creation_key(form)}
    both = author.post(url, {**fields, "amends": decision.number, "repeals": decision.number})
    assert both.status_code == 200 and "pas les deux" in both.content.decode()
    assert "Le texte" in both.content.decode()  # what was typed is kept
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    past = author.post(url, {**fields, "wished_decision_date": yesterday})
    assert "déjà passée" in past.content.decode()
    assert not Proposal.objects.filter(title="Tarifs 2027").exists()
    # A date kept from before may stay while the rest of the proposal is edited.
    proposal = make_proposal(cast.production_member, title="Ancienne", stage="draft")
    Proposal.objects.filter(pk=proposal.pk).update(wished_decision_date=timezone.localdate() - timedelta(days=30))
    proposal.refresh_from_db()
    edit = author.post(
        reverse("proposals:edit", args=[proposal.pk]),
        {"title": "Ancienne, revue", "summary": "S", "body": "B", "revision": proposal.revision,
         "wished_decision_date": proposal.wished_decision_date.isoformat()},
    )  # fmt: skip
    assert edit.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Ancienne, revue"


def test_only_the_author_submits_or_withdraws(cast, login):
    proposal = _submitted(cast, login)
    actions_seen = AuditEntry.objects.count()
    coordinator = login(cast.coordinator)
    assert coordinator.post(reverse("proposals:withdraw", args=[proposal.pk])).status_code == 403
    assert coordinator.post(reverse("proposals:submit", args=[proposal.pk])).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_REVIEW and AuditEntry.objects.count() == actions_seen
    page = login(cast.production_member).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "/soumettre/" not in page  # already submitted: no button
