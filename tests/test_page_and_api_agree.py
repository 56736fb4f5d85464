"""A page and the API show one reader the same thing: the posts of a thread with their flags and
controls, a proposal with its ballots and what the reader may do, a folder's access report.
Both read the same selector; these tests fail if either starts building its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from documents import actions as document_actions
from documents.models import AccessLevel, Folder, Space
from documents.serializers import LEVEL_NAMES
from forums import actions as forum_actions
from forums.models import Forum
from tests.api import token_client
from tests.factories import make_proposal
from workflows import actions as workflow_actions

pytestmark = pytest.mark.django_db

HIDDEN_TEXT = "Des mots que la modération a masqués"
BALLOT_COMMENT = "Je soutiens, mais chiffrons le transport"
CONTROLS = ("can_edit", "can_delete", "can_moderate", "can_react", "can_quote")


# --- A thread's posts ---------------------------------------------------------------------------


@pytest.fixture
def thread(cast):
    thread = forum_actions.start_thread(
        cast.production_member, forum=Forum.objects.get(slug="production"), title="Tournage", body="Qui a un drone ?"
    )
    forum_actions.reply(cast.coordinator, thread=thread, body="Moi, samedi.")
    hidden = forum_actions.reply(cast.production_member, thread=thread, body=HIDDEN_TEXT)
    forum_actions.hide_post(cast.coordinator, post=hidden, reason="Hors sujet")
    gone = forum_actions.reply(cast.coordinator, thread=thread, body="Oublions cela")
    forum_actions.delete_post(cast.coordinator, post=gone)
    forum_actions.toggle_reaction(cast.coordinator, post=thread.posts.get(number=1), kind="+1")
    return thread


def _page_posts(view) -> dict:
    shown = view.allowed.show_text
    return {
        "id": view.post.pk,
        "body_html": str(view.body) if shown else None,
        "allowed": {name: getattr(view.allowed, name) for name in CONTROLS},
        "reactions": [(reaction.kind, reaction.count, reaction.mine) for reaction in view.reactions],
        "url": view.url,
    }


def _api_posts(item: dict) -> dict:
    return {
        "id": item["id"],
        "body_html": item["body_html"],
        "allowed": item["allowed"],
        "reactions": [(reaction["kind"], reaction["count"], reaction["mine"]) for reaction in item["reactions"]],
        "url": item["url"],
    }


@pytest.mark.parametrize("role", ["production_member", "coordinator", "staff", "president"])
def test_the_thread_page_and_the_api_show_a_reader_the_same_posts_flags_and_controls(cast, login, thread, role):
    reader = getattr(cast, role)
    page = login(reader).get(reverse("forums:thread", args=[thread.pk]))
    api = token_client(reader).get(f"/api/v1/threads/{thread.pk}/posts/")
    assert page.status_code == api.status_code == 200
    on_page = [_page_posts(view) for view in page.context["post_views"]]
    through_api = [_api_posts(item) for item in api.json()["results"]]
    assert on_page == through_api
    # The hidden text reaches its author and the moderators only, in both.
    sees_hidden = role in {"production_member", "coordinator", "staff"}
    assert (HIDDEN_TEXT in page.content.decode()) is sees_hidden
    assert (HIDDEN_TEXT in api.content.decode()) is sees_hidden


def test_a_reader_who_may_not_read_the_forum_gets_the_same_404_from_both(cast, login, thread):
    assert login(cast.diffusion_member).get(reverse("forums:thread", args=[thread.pk])).status_code == 404
    assert token_client(cast.diffusion_member).get(f"/api/v1/threads/{thread.pk}/posts/").status_code == 404


# --- A proposal and its ballots -------------------------------------------------------------


@pytest.fixture
def voting(cast):
    proposal = make_proposal(cast.production_member, title="Au vote", reviewer=cast.coordinator)
    vote = workflow_actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(7))
    workflow_actions.cast_ballot(cast.board_member, vote=vote, choice="against", comment=BALLOT_COMMENT)
    workflow_actions.cast_ballot(cast.president, vote=vote, choice="for")
    return proposal


@pytest.mark.parametrize(
    ("role", "ballot"),
    [("board_member", "against"), ("president", "for"), ("secretary", None), ("production_member", None)],
)
def test_the_proposal_page_and_the_api_give_a_reader_their_own_ballot_and_the_same_controls(
    cast, login, voting, role, ballot
):
    reader = getattr(cast, role)
    page = login(reader).get(reverse("proposals:detail", args=[voting.pk]))
    api = token_client(reader).get(f"/api/v1/proposals/{voting.pk}/")
    assert page.status_code == api.status_code == 200
    view = page.context["view"]
    assert view.my_ballot == api.json()["my_ballot"] == ballot
    assert view.allowed == api.json()["allowed"]
    assert [vote.pk for vote in view.votes] == [vote["id"] for vote in api.json()["votes"]]
    assert view.decision_numbers == api.json()["decisions"]


def test_a_member_off_the_board_never_gets_a_ballot_of_the_open_vote(cast, login, voting):
    for reader in (cast.production_member, cast.coordinator, cast.staff):
        page = login(reader).get(reverse("proposals:detail", args=[voting.pk]))
        api = token_client(reader).get(f"/api/v1/proposals/{voting.pk}/")
        assert page.context["view"].ballots == [] and not page.context["view"].sees_ballots
        assert BALLOT_COMMENT not in page.content.decode() and BALLOT_COMMENT not in api.content.decode()
        assert api.json()["my_ballot"] is None


def test_a_board_member_sees_the_ballots_on_the_page_and_only_their_own_through_the_api(cast, login, voting):
    page = login(cast.secretary).get(reverse("proposals:detail", args=[voting.pk]))
    assert BALLOT_COMMENT in page.content.decode()
    assert page.context["view"].tally == {"for": 1, "against": 1, "abstain": 0}
    api = token_client(cast.secretary).get(f"/api/v1/proposals/{voting.pk}/")
    assert BALLOT_COMMENT not in api.content.decode() and api.json()["my_ballot"] is None


# --- A folder's access report ---------------------------------------------------------------


@pytest.fixture
def quotes(cast):
    """Budget (under the Production space's top folder, shared with the board's group), and below
    it Quotes, which a member of another collège manages without being able to open Budget."""
    root = Folder.objects.get(space=Space.objects.get(slug="college-production"), parent=None)
    budget = document_actions.create_folder(cast.coordinator, parent=root, name="Budget")
    board = Group.objects.get(name="conseil-d-administration")
    document_actions.grant_folder_access(cast.staff, folder=budget, group=board, level=AccessLevel.VIEW)
    quotes = document_actions.create_folder(cast.coordinator, parent=budget, name="Devis")
    document_actions.grant_folder_access(
        cast.staff, folder=quotes, user=cast.diffusion_member, level=AccessLevel.MANAGE
    )
    return quotes


def _folder_id(folder) -> int | None:
    return folder.pk if folder is not None else None


def _grant_on_page(grant) -> tuple:
    user = grant.user.pk if grant.user else None
    return LEVEL_NAMES[grant.level], _folder_id(grant.folder), user, grant.group and grant.group.label


def _grant_in_api(grant: dict) -> tuple:
    user = grant["user"] and grant["user"]["id"]
    return grant["level"], grant["folder"] and grant["folder"]["id"], user, grant["group"] and grant["group"]["label"]


def _person_on_page(entry) -> tuple:
    reasons = [(LEVEL_NAMES[reason.level], reason.staff, _folder_id(reason.folder)) for reason in entry.reasons]
    return entry.person.pk, LEVEL_NAMES[entry.level], reasons


def _person_in_api(entry: dict) -> tuple:
    reasons = [
        (reason["level"], reason["staff"], reason["folder"] and reason["folder"]["id"]) for reason in entry["reasons"]
    ]
    return entry["person"]["id"], entry["level"], reasons


@pytest.mark.parametrize("role", ["coordinator", "diffusion_member", "staff"])
def test_the_access_page_and_the_api_show_a_manager_the_same_grants_and_people(cast, login, quotes, role):
    reader = getattr(cast, role)
    page = login(reader).get(reverse("documents:folder_access", args=[quotes.pk]))
    api = token_client(reader).get(f"/api/v1/folders/{quotes.pk}/access/")
    assert page.status_code == api.status_code == 200
    report, body = page.context["report"], api.json()
    assert [_grant_on_page(grant) for grant in report.grants] == [_grant_in_api(grant) for grant in body["grants"]]
    assert [_person_on_page(entry) for entry in report.people] == [
        _person_in_api(entry) for entry in body["people"]["results"]
    ]
    # A folder above that the reader may not open is named by neither.
    budget = quotes.parent
    may_open_budget = role != "diffusion_member"
    named = {_folder_id(grant.folder) for grant in report.grants}
    assert (budget.pk in named) is may_open_budget
    assert (budget.pk in {grant["folder"] and grant["folder"]["id"] for grant in body["grants"]}) is may_open_budget
