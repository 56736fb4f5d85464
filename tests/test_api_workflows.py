"""The workflow API: proposals and their steps, board votes, the register and my tasks, for the
whole role cast; the same effects as the pages; bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from intranet.models import AuditEntry
from tests.api import ROLES, Case, everyone, run_case, token_client
from tests.factories import make_proposal
from workflows import actions
from workflows.models import Decision, Proposal, ProposalStatus
from workflows.selectors import waiting_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    author = cast.production_member
    draft = make_proposal(author, stage="draft", title="Brouillon")
    in_review = make_proposal(author, stage="in_review", title="En examen")
    on_agenda = make_proposal(author, title="À l'ordre du jour", reviewer=cast.coordinator)
    voting = make_proposal(author, title="Au vote", reviewer=cast.coordinator)
    vote = actions.open_board_vote(cast.secretary, proposal=voting, deadline=timezone.now() + timedelta(days=7))
    decided = make_proposal(author, title="Décidée", reviewer=cast.coordinator)
    closed = actions.open_board_vote(cast.secretary, proposal=decided, deadline=timezone.now() + timedelta(days=7))
    for person in (cast.board_member, cast.president, cast.secretary):
        actions.cast_ballot(person, vote=closed, choice="for")
    task = waiting_tasks(cast.coordinator).get(process__proposalprocess__proposal=in_review)
    return {
        "cast": cast,
        "draft": draft,
        "in_review": in_review,
        "on_agenda": on_agenda,
        "vote": vote,
        "decision": Decision.objects.get(),
        "task": task,
    }


def college_only(status: int, **overrides) -> dict[str, int]:
    """Seen by the Production collège (and staff): another collège, the board and outsiders get 404."""
    return everyone(404, **{"member": status, "coordinator": status, "staff": status, **overrides})


def on_board(status: int, **overrides) -> dict[str, int]:
    """Seen by the Production collège, the board and staff."""
    return college_only(status, **{"board": status, **overrides})


ROLE_CASES = {
    "api:proposals": Case("get", lambda w: "/api/v1/proposals/", everyone(200)),
    "api:proposal": Case("get", lambda w: f"/api/v1/proposals/{w['in_review'].pk}/", college_only(200)),
    "api:proposal_submit": Case(
        "post", lambda w: f"/api/v1/proposals/{w['draft'].pk}/submit/", everyone(404, member=200, staff=403)
    ),
    "api:proposal_withdraw": Case(
        "post", lambda w: f"/api/v1/proposals/{w['in_review'].pk}/withdraw/", college_only(403, member=200)
    ),
    "api:proposal_review": Case(
        "post",
        lambda w: f"/api/v1/proposals/{w['in_review'].pk}/review/",
        college_only(403, coordinator=200),
        data=lambda w: {"decision": "forward", "text": "Le collège recommande l'adoption."},
    ),
    # Only the president and the secretary open and close votes (neither is in the cast:
    # tested below); a plain board member sees the proposal but may not.
    "api:vote_open": Case(
        "post",
        lambda w: f"/api/v1/proposals/{w['on_agenda'].pk}/vote/",
        on_board(403),
        data=lambda w: {"deadline": (timezone.now() + timedelta(days=3)).isoformat()},
    ),
    "api:vote_ballot": Case(
        "post",
        lambda w: f"/api/v1/votes/{w['vote'].pk}/ballot/",
        on_board(403, board=200),
        data=lambda w: {"choice": "for"},
    ),
    "api:vote_close": Case("post", lambda w: f"/api/v1/votes/{w['vote'].pk}/close/", on_board(403)),
    "api:decisions": Case("get", lambda w: "/api/v1/decisions/", everyone(200)),
    "api:decision": Case("get", lambda w: f"/api/v1/decisions/{w['decision'].number}/", everyone(200)),
    "api:tasks": Case("get", lambda w: "/api/v1/tasks/", everyone(200)),
    "api:task_claim": Case(
        "post", lambda w: f"/api/v1/tasks/{w['task'].pk}/claim/", college_only(403, coordinator=200)
    ),
    "api:task_release": Case(
        "post", lambda w: f"/api/v1/tasks/{w['task'].pk}/release/", college_only(403, coordinator=200, staff=200)
    ),
}

MORE_CASES = {
    "raise a proposal": Case(
        "post",
        lambda w: "/api/v1/proposals/",
        everyone(404, member=201, coordinator=201),
        data=lambda w: {"college": "production", "title": "Nouvelle", "summary": "Résumé", "body": "Texte"},
    ),
    "edit a draft": Case(
        "put",
        lambda w: f"/api/v1/proposals/{w['draft'].pk}/",
        everyone(404, member=200, staff=403),
        data=lambda w: {"title": "Brouillon revu", "summary": "Résumé", "body": "Texte", "revision": 1},
    ),
    "a draft is its author's": Case(
        "get", lambda w: f"/api/v1/proposals/{w['draft'].pk}/", everyone(404, member=200, staff=200)
    ),
    "the agenda is the board's too": Case("get", lambda w: f"/api/v1/proposals/{w['on_agenda'].pk}/", on_board(200)),
    "unknown proposal": Case("get", lambda w: "/api/v1/proposals/999999/", everyone(404)),
    "unknown decision": Case("get", lambda w: "/api/v1/decisions/CA-1999-001/", everyone(404)),
}


@pytest.fixture
def claimed(world):
    """The review task taken by the coordinator, for the release case."""
    actions.claim_task(world["cast"].coordinator, task_id=world["task"].pk)
    return world


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ROLE_CASES) + sorted(MORE_CASES))
def test_role_cast(route, role, world, cast, request):
    if route == "api:task_release":
        request.getfixturevalue("claimed")
    run_case({**ROLE_CASES, **MORE_CASES}[route], world, cast, role)


# --- Behaviour ------------------------------------------------------------------------------


def test_a_proposal_goes_through_its_process_by_the_api_with_the_pages_audit(world, cast):
    author, coordinator, secretary = (
        token_client(person) for person in (cast.production_member, cast.coordinator, cast.secretary)
    )
    created = author.post(
        "/api/v1/proposals/",
        {"college": "production", "title": "Par l'API", "summary": "Résumé", "body": "Texte", "budget": "1200.50"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    proposal = created.json()
    assert (proposal["status"], proposal["budget"], proposal["allowed"]["can_submit"]) == ("draft", "1200.50", True)
    pk = proposal["id"]
    assert (
        author.post(f"/api/v1/proposals/{pk}/submit/", {"revision": 1}, format="json").json()["status"] == "in_review"
    )
    review = coordinator.post(
        f"/api/v1/proposals/{pk}/review/", {"decision": "forward", "text": "Pour."}, format="json"
    )
    assert review.json()["status"] == "on_agenda"
    deadline = (timezone.now() + timedelta(days=2)).isoformat()
    opened = secretary.post(f"/api/v1/proposals/{pk}/vote/", {"deadline": deadline}, format="json")
    assert opened.status_code == 201 and opened.json()["status"] == "voting"
    vote_id = opened.json()["votes"][0]["id"]
    for person in (cast.board_member, cast.president):
        token_client(person).post(f"/api/v1/votes/{vote_id}/ballot/", {"choice": "for"}, format="json")
    closed = secretary.post(f"/api/v1/votes/{vote_id}/close/", format="json")
    assert closed.json()["status"] == "adopted" and len(closed.json()["decisions"]) == 1
    actions_seen = list(
        AuditEntry.objects.filter(target_type="proposal", target_id=str(pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions_seen[:4] == ["proposal.created", "proposal.submitted", "proposal.forwarded", "vote.opened"]
    number = closed.json()["decisions"][0]
    assert token_client(cast.outsider).get(f"/api/v1/decisions/{number}/").json()["title"] == "Par l'API"


def test_a_stale_revision_is_refused_with_the_pages_message(world, cast):
    client = token_client(cast.coordinator)
    response = client.post(
        f"/api/v1/proposals/{world['in_review'].pk}/review/",
        {"decision": "return", "text": "Précisez.", "revision": 0},
        format="json",
    )
    assert response.status_code == 400
    assert "Rechargez la page" in response.json()["detail"]
    world["in_review"].refresh_from_db()
    assert world["in_review"].status == ProposalStatus.IN_REVIEW


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"decision": "approve", "text": "x"},
        {"decision": "forward"},
        {"decision": "forward", "text": ""},
        {"decision": "forward", "text": "x", "revision": "deux"},
        ["forward"],
    ],
)
def test_bad_review_input_is_400_json(world, cast, body):
    response = token_client(cast.coordinator).post(
        f"/api/v1/proposals/{world['in_review'].pk}/review/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"college": "production", "title": "", "summary": "r", "body": "t"},
        {"college": "production", "title": "t" * 201, "summary": "r", "body": "t"},
        {"college": "production", "title": "t", "summary": "r", "body": "t", "budget": "beaucoup"},
        {"college": "production", "title": "t", "summary": "r", "body": "t", "amends": "CA-1999-001"},
        {"college": "production", "title": "t", "summary": "r", "body": "t", "wished_decision_date": "demain"},
    ],
)
def test_bad_proposal_input_is_400_json_with_its_field(cast, body):
    response = token_client(cast.production_member).post("/api/v1/proposals/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_only_a_decision_in_force_is_amended_and_the_proposal_says_which(cast):
    def decided(title, choice):
        proposal = make_proposal(cast.production_member, title=title, reviewer=cast.coordinator)
        vote = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=1))
        for person in (cast.board_member, cast.president, cast.secretary):
            actions.cast_ballot(person, vote=vote, choice=choice)
        return Decision.objects.get(vote=vote)

    adopted, rejected = decided("Tarifs 2026", "for"), decided("Jauge", "against")
    client = token_client(cast.production_member)
    body = {"college": "production", "title": "t", "summary": "r", "body": "t"}
    refused = client.post("/api/v1/proposals/", {**body, "repeals": rejected.number}, format="json")
    assert refused.status_code == 400 and "repeals" in str(refused.json())
    created = client.post("/api/v1/proposals/", {**body, "amends": adopted.number}, format="json")
    assert created.status_code == 201
    detail = client.get(f"/api/v1/proposals/{created.json()['id']}/").json()
    assert (detail["amends"], detail["repeals"]) == (adopted.number, None)


def test_raising_a_proposal_in_another_college_is_not_found(cast):
    response = token_client(cast.production_member).post(
        "/api/v1/proposals/", {"college": "diffusion", "title": "t", "summary": "r", "body": "t"}, format="json"
    )
    assert response.status_code == 404


def test_a_proposal_sent_twice_with_its_key_is_made_once(cast):
    client = token_client(cast.production_member)
    body = {
        "college": "production",
        "title": "t",
        "summary": "r",
        "body": "t",
        "creation_key": "0b6c1a9e-8d55-4c1e-9d1e-5b8a3f9f2a11",
    }
    first, second = (client.post("/api/v1/proposals/", body, format="json") for _ in range(2))
    assert first.json()["id"] == second.json()["id"]


def test_the_secretary_opens_and_the_deadline_must_be_ahead(world, cast):
    client = token_client(cast.secretary)
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    response = client.post(f"/api/v1/proposals/{world['on_agenda'].pk}/vote/", {"deadline": past}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["deadline"]


def test_my_tasks_list_the_review_and_the_ballot_waiting(world, cast):
    coordinator = token_client(cast.coordinator).get("/api/v1/tasks/").json()
    assert [step["proposal"]["title"] for step in coordinator["steps"]] == ["En examen"]
    board = token_client(cast.board_member).get("/api/v1/tasks/").json()
    assert [ballot["title"] for ballot in board["ballots"]] == ["Au vote"]
    assert token_client(cast.diffusion_member).get("/api/v1/tasks/").json() == {"steps": [], "ballots": []}


def test_a_member_of_another_college_sees_only_decided_proposals(world, cast):
    titles = {item["title"] for item in token_client(cast.diffusion_member).get("/api/v1/proposals/").json()["results"]}
    assert titles == {"Décidée"}


def test_proposals_are_listed_by_last_change_unless_ordered_otherwise(world, cast):
    # Changed in the reverse order of their creation, an hour apart.
    start = timezone.now() - timedelta(days=1)
    titles_by_creation = ["Brouillon", "En examen", "À l'ordre du jour", "Au vote", "Décidée"]
    for number, title in enumerate(titles_by_creation):
        Proposal.objects.filter(title=title).update(
            created_at=start + timedelta(hours=number), updated_at=start + timedelta(hours=10 - number)
        )
    client = token_client(cast.production_member)

    def titles(query: str = "") -> list[str]:
        response = client.get(f"/api/v1/proposals/{query}")
        assert response.status_code == 200, response.json()
        return [item["title"] for item in response.json()["results"]]

    assert titles() == titles("?ordering=-updated_at") == titles("?ordering=") == titles_by_creation
    assert titles("?ordering=updated_at") == titles("?ordering=-created_at") == titles_by_creation[::-1]
    assert titles("?ordering=created_at&status=in_review") == ["En examen"]
    by_title = titles("?ordering=title")
    assert titles("?ordering=-title") == by_title[::-1]
    # "À" sorts by the database's collation: the others are in alphabetical order either way.
    assert [title for title in by_title if title[0] != "À"] == ["Au vote", "Brouillon", "Décidée", "En examen"]
    for bad in ("titre", "-status", "updated_at,title"):
        response = client.get(f"/api/v1/proposals/?ordering={bad}")
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid" and "ordering" in response.json()["errors"]


def test_the_register_is_listed_by_decision_date_unless_ordered_otherwise(world, cast):
    second = make_proposal(cast.production_member, title="Deuxième", reviewer=cast.coordinator)
    vote = actions.open_board_vote(cast.secretary, proposal=second, deadline=timezone.now() + timedelta(days=7))
    for person in (cast.board_member, cast.president, cast.secretary):
        actions.cast_ballot(person, vote=vote, choice="against")
    first, last = Decision.objects.order_by("year", "sequence")
    # The first numbered was decided last (a date corrected afterwards).
    Decision.objects.filter(pk=first.pk).update(decided_at=last.decided_at + timedelta(days=1))
    client = token_client(cast.diffusion_member)

    def numbers(query: str = "") -> list[str]:
        response = client.get(f"/api/v1/decisions/{query}")
        assert response.status_code == 200, response.json()
        return [item["number"] for item in response.json()["results"]]

    assert numbers() == numbers("?ordering=-decided_at") == [first.number, last.number]
    assert numbers("?ordering=decided_at") == [last.number, first.number]
    assert numbers("?ordering=number") == [first.number, last.number]
    assert numbers("?ordering=-number&outcome=rejected") == [last.number]
    for bad in ("date", "-year", "sequence"):
        response = client.get(f"/api/v1/decisions/?ordering={bad}")
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid" and "ordering" in response.json()["errors"]


def test_lists_cost_the_same_queries_for_more_rows(world, cast, django_assert_max_num_queries):
    client = token_client(cast.production_member)
    with django_assert_max_num_queries(10):
        client.get("/api/v1/proposals/")
        client.get("/api/v1/decisions/")
    for number in range(8):
        make_proposal(cast.production_member, stage="in_review", title=f"Encore {number}")
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/proposals/").json()["results"]) == 13
    with django_assert_max_num_queries(10):
        client.get("/api/v1/decisions/")
    with django_assert_max_num_queries(14):
        token_client(cast.coordinator).get("/api/v1/tasks/")
