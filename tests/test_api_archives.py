"""The archive in the API: the catalogue and a fonds, for the whole role cast, showing what the
fonds's page shows each reader; bad filters are a 400."""

from __future__ import annotations

import pytest

from tests.api import ROLES, Case, everyone, run_case, token_client
from tests.archives import sign_agreement
from workflows.archives import actions
from workflows.archives.items import ItemDraft

pytestmark = pytest.mark.django_db

REELS = [
    ItemDraft(title="Vacances à Royan", format="super8", count=3, year_from=1972),
    ItemDraft(title="Bobine moisie", format="8mm", count=1, year_from=1959),
]


@pytest.fixture
def world(cast):
    """The Production member's offer in triage, and a catalogued fonds (deposited by the Patrimoine
    member) with one of its two lines not retained."""
    offer = actions.record_offer(cast.production_member, title="Mes bobines", items=REELS)
    catalogued = actions.record_offer(cast.patrimoine_member, title="Fonds Lenoir", items=REELS)
    actions.assign_archivist(cast.staff, fonds=catalogued, archivist=cast.staff)
    kept, refused = catalogued.items.order_by("position")
    actions.appraise_item(cast.staff, item=kept, retained=True)
    actions.appraise_item(cast.staff, item=refused, retained=False)
    actions.finish_appraisal(cast.staff, fonds=catalogued)
    actions.record_agreement(cast.staff, fonds=catalogued, transfer="deposit", uses=["on_site"])
    actions.take_in(
        cast.staff, fonds=sign_agreement(cast.staff, catalogued), placements=[actions.Placement(kept.pk, "Magasin 1")]
    )
    return {"offer": offer, "catalogued": catalogued}


def _only_the_catalogue_unless_staff_or_depositor(world, role, response):
    titles = {row["title"] for row in response.json()["results"]}
    assert "Fonds Lenoir" in titles
    assert ("Mes bobines" in titles) == (role in ("member", "staff"))


def _what_the_page_shows(world, role, response):
    body = response.json()
    assert [item["title"] for item in body["items"]] == ["Vacances à Royan"]  # not the refused line
    assert body["depositor"] == ("" if role != "staff" else body["depositor"]) and body["uses"] == ["on_site"]
    assert body["items"][0]["location"] == ("Magasin 1" if role == "staff" else "")
    assert body["items"][0]["call_number"].startswith(body["call_number"])


def _the_queue_of_the_catalogued_fonds(world, role, response):
    assert [row["title"] for row in response.json()["results"]] == ["Vacances à Royan"]  # not the refused line


ROLE_CASES = {
    "api:archive_fonds_list": Case(
        "get", lambda w: "/api/v1/archives/fonds/", everyone(200), check=_only_the_catalogue_unless_staff_or_depositor
    ),
    "api:archive_fonds": Case(
        "get",
        lambda w: f"/api/v1/archives/fonds/{w['catalogued'].pk}/",
        everyone(200),
        check=lambda w, role, response: None if role == "staff" else _what_the_page_shows(w, role, response),
    ),
    # Staff's work list; anybody else gets the 404 of a missing page.
    "api:archive_digitisation_queue": Case(
        "get",
        lambda w: "/api/v1/archives/digitisation-queue/",
        everyone(404, staff=200),
        check=_the_queue_of_the_catalogued_fonds,
    ),
}

MORE_CASES = {
    "someone else's offer is not found": Case(
        "get", lambda w: f"/api/v1/archives/fonds/{w['offer'].pk}/", everyone(404, member=200, staff=200)
    ),
    "unknown fonds": Case("get", lambda w: "/api/v1/archives/fonds/999999/", everyone(404)),
    "a bad filter": Case("get", lambda w: "/api/v1/archives/fonds/?decade=abc&item_format=70mm", everyone(400)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ROLE_CASES) + sorted(MORE_CASES))
def test_role_cast(route, role, world, cast):
    run_case({**ROLE_CASES, **MORE_CASES}[route], world, cast, role)


def test_staff_see_the_whole_list_and_the_depositor_and_members_filter_the_catalogue(world, cast):
    staff = token_client(cast.staff).get(f"/api/v1/archives/fonds/{world['catalogued'].pk}/").json()
    assert staff["depositor"] == cast.patrimoine_member.get_full_name()
    assert [item["retained"] for item in staff["items"]] == [True, False]
    member = token_client(cast.diffusion_member)
    assert member.get("/api/v1/archives/fonds/?decade=1970").json()["count"] == 1
    assert member.get("/api/v1/archives/fonds/?item_format=16mm").json()["count"] == 0
    # A member's "status" filter is ignored: they browse the catalogue.
    assert member.get("/api/v1/archives/fonds/?status=offered").json()["count"] == 1
