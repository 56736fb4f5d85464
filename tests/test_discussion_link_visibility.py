"""A decided proposal is open to every member, but its discussion lives in its collège's forum:
the proposal's page, its decision's page and the API show the thread only to those who may open
it, never a link that ends in a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.api import token_client
from tests.factories import make_proposal
from tests.helpers import recount_navigation
from workflows import actions
from workflows.models import Decision

# Of the production collège's forum, or staff: they read the thread.
READERS = ["production_member", "coordinator", "president", "staff"]
# Another collège (on the board or not), or no collège at all: the decision, not the thread.
OTHERS = ["diffusion_member", "board_member", "patrimoine_member", "outsider"]


@pytest.fixture
def decision(cast) -> Decision:
    proposal = make_proposal(cast.production_member, title="Adhésion au réseau national", reviewer=cast.coordinator)
    vote = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=1))
    actions.cast_ballot(cast.board_member, vote=vote, choice="for")
    actions.cast_ballot(cast.president, vote=vote, choice="for")
    actions.close_board_vote(cast.secretary, vote=vote)
    decision = Decision.objects.select_related("proposal").get(vote=vote)
    assert decision.proposal.thread_id is not None  # submitting it opened its discussion
    return decision


def thread_address(decision: Decision) -> str:
    return reverse("forums:thread", args=[decision.proposal.thread_id])


def pages(client, decision: Decision) -> dict[str, str]:
    """The proposal's page and the decision's page, as the reader reads them."""
    read = {}
    for name, url in {
        "proposal": reverse("proposals:detail", args=[decision.proposal_id]),
        "decision": reverse("workflows:decision", args=[decision.number]),
    }.items():
        response = client.get(url)
        assert response.status_code == 200, name
        read[name] = response.content.decode()
    return read


@pytest.mark.parametrize("person", OTHERS)
def test_a_member_outside_the_college_reads_the_decision_without_a_link_to_its_discussion(
    cast, login, decision, person
):
    reader = getattr(cast, person)
    client = login(reader)
    address = thread_address(decision)
    for name, page in pages(client, decision).items():
        assert address not in page, name
        assert "Discussion" not in page, name
    assert client.get(address).status_code == 404  # the link would have led here


@pytest.mark.parametrize("person", READERS)
def test_a_reader_of_the_college_s_forum_follows_the_discussion_link_from_both_pages(cast, login, decision, person):
    client = login(getattr(cast, person))
    address = thread_address(decision)
    for name, page in pages(client, decision).items():
        assert f'href="{address}"' in page, name
    assert client.get(address).status_code == 200


@pytest.mark.parametrize(("person", "sees_thread"), [("production_member", True), ("staff", True), ("outsider", False)])
def test_the_api_names_the_thread_only_to_those_who_may_open_it(cast, decision, person, sees_thread):
    client = token_client(getattr(cast, person))
    data = client.get(f"/api/v1/proposals/{decision.proposal_id}/").json()
    assert data["thread"] == (decision.proposal.thread_id if sees_thread else None)
    thread = client.get(f"/api/v1/threads/{decision.proposal.thread_id}/posts/")
    assert thread.status_code == (200 if sees_thread else 404)


@pytest.mark.parametrize("person", ["production_member", "diffusion_member"])
def test_the_pages_ask_the_forum_policy_in_a_fixed_number_of_queries(
    cast, login, decision, person, django_assert_max_num_queries
):
    """The thread's forum comes with the proposal (or the decision), and the forum policy answers
    from the reader's roles, read once for the page: a reader of the forum and one outside it cost
    the same. The proposal's page already read those roles (10 queries, as before); the decision's
    page now reads them for the question (9, one more than when it showed the link to everyone),
    as does the API (7: its roles are read per question, one more than before)."""
    reader = getattr(cast, person)
    client = login(reader)
    recount_navigation(reader)
    with django_assert_max_num_queries(9):
        client.get(reverse("workflows:decision", args=[decision.number]))
    with django_assert_max_num_queries(10):
        client.get(reverse("proposals:detail", args=[decision.proposal_id]))
    api = token_client(reader)
    api.get(f"/api/v1/proposals/{decision.proposal_id}/")  # the first request with the token marks its use
    with django_assert_max_num_queries(7):
        api.get(f"/api/v1/proposals/{decision.proposal_id}/")
