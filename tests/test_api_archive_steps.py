"""The deposit process's steps in the API, for the whole role cast: each asked of the archive's
policy as the page asks it (404 for a fonds the reader may not see, 403 for a step not theirs),
refused with the page's reasons, and answered with the fonds as its page now shows it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api import ROLES, Case, everyone, run_case, token_client
from tests.archives import shelved, sign_agreement
from tests.factories import make_member
from workflows.archives import actions
from workflows.archives.items import ItemDraft
from workflows.archives.models import Fonds

pytestmark = pytest.mark.django_db

REELS = [ItemDraft(title="Vacances à Royan", format="super8", count=3, year_from=1972)]
STAFF_STEP = everyone(404, member=403, staff=200)  # on the member's own offer: they see it, staff act


@pytest.fixture
def world(cast):
    """The Production member's offers at each stage, and a catalogued fonds of the Patrimoine
    member's with the collège's opinion asked on another."""
    staff = cast.staff

    def offer(title, depositor=cast.production_member):
        return actions.record_offer(depositor, title=title, items=REELS)

    offered = offer("Offre")
    appraising = offer("En expertise")
    actions.assign_archivist(staff, fonds=appraising, archivist=staff)
    actions.appraise_item(staff, item=appraising.items.get(), retained=False)
    agreeing = offer("En convention")
    actions.assign_archivist(staff, fonds=agreeing, archivist=staff)
    actions.appraise_item(staff, item=agreeing.items.get(), retained=True)
    actions.finish_appraisal(staff, fonds=agreeing)
    intake = offer("En entrée")
    actions.assign_archivist(staff, fonds=intake, archivist=staff)
    actions.appraise_item(staff, item=intake.items.get(), retained=True)
    actions.finish_appraisal(staff, fonds=intake)
    actions.record_agreement(staff, fonds=intake, transfer="deposit", uses=["on_site"])
    intake = sign_agreement(staff, intake)
    catalogued = offer("Fonds Lenoir", depositor=cast.patrimoine_member)
    actions.assign_archivist(staff, fonds=catalogued, archivist=staff)
    actions.appraise_item(staff, item=catalogued.items.get(), retained=True)
    actions.finish_appraisal(staff, fonds=catalogued)
    actions.record_agreement(staff, fonds=catalogued, transfer="gift", uses=["on_site"])
    actions.take_in(staff, fonds=sign_agreement(staff, catalogued), placements=shelved(catalogued))
    opinion = offer("Avis demandé", depositor=cast.patrimoine_member)
    actions.assign_archivist(staff, fonds=opinion, archivist=staff)
    actions.ask_opinion(staff, fonds=opinion, question="Faut-il tout garder ?")
    return {
        "staff": staff, "offered": offered, "appraising": appraising, "agreeing": agreeing, "intake": intake,
        "catalogued": catalogued, "opinion": opinion,
    }  # fmt: skip


def _at(stage: str, step: str, *, item: bool = False):
    def path(world):
        fonds = world[stage]
        inner = f"items/{fonds.items.get().pk}/" if item else ""
        return f"/api/v1/archives/fonds/{fonds.pk}/{inner}{step}/"

    return path


def _status_is(expected: str):
    def check(world, role, response):
        assert response.json()["status"] == expected, response.json()

    return check


def _an_odt(world, role, response):
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert response.content.startswith(b"PK")  # a zipped OpenDocument
    assert response["Content-Disposition"].startswith('attachment; filename="convention-de-depot-en-entree')


def _signed_agreement_kept(world, role, response):
    fonds = Fonds.objects.get(pk=world["agreeing"].pk)
    assert fonds.agreement_signed_id is not None and response.json()["signed_agreement"] == fonds.agreement_signed_id
    assert response["Location"] == f"/api/v1/documents/{fonds.agreement_signed_id}/"


ROLE_CASES = {
    "api:archive_fonds_list (post)": Case(
        "post",
        lambda w: "/api/v1/archives/fonds/",
        everyone(201),
        data=lambda w: {
            "title": "Mes bobines",
            "items": [{"title": "Noël 1968", "format": "8mm", "count": 2}],
            "depositor_name": "Famille Lenoir",  # staff record someone's; a member's own offer ignores it
        },
        check=_status_is("offered"),
    ),
    "api:archive_assign": Case(
        "post",
        _at("offered", "assign"),
        STAFF_STEP,
        data=lambda w: {"archivist": w["staff"].pk},
        check=_status_is("in_appraisal"),
    ),
    "api:archive_decline": Case(
        "post",
        _at("offered", "decline"),
        STAFF_STEP,
        data=lambda w: {"reason": "Hors de notre région."},
        check=_status_is("declined"),
    ),
    "api:archive_withdraw": Case(
        "post",
        _at("offered", "withdraw"),
        everyone(404, member=200, staff=200),
        data=lambda w: {"reason": "La famille garde les films."},
        check=_status_is("withdrawn"),
    ),
    "api:archive_appraise": Case(
        "post",
        _at("appraising", "appraise", item=True),
        STAFF_STEP,
        data=lambda w: {"retained": True, "damages": ["vinegar"], "condition_note": "Odeur de vinaigre."},
    ),
    "api:archive_ask_opinion": Case(
        "post", _at("appraising", "opinion-request"), STAFF_STEP, data=lambda w: {"question": "À garder ?"}
    ),
    "api:archive_give_opinion": Case(
        "post", _at("opinion", "opinion"), everyone(404, staff=403), data=lambda w: {"opinion": "À garder."}
    ),
    "api:archive_finish_appraisal": Case(
        "post",
        _at("appraising", "appraisal-done"),
        STAFF_STEP,
        data=lambda w: {"reason": "Rien d'intérêt régional."},
        check=_status_is("not_retained"),
    ),
    "api:archive_agreement": Case(
        "post",
        _at("agreeing", "agreement"),
        STAFF_STEP,
        data=lambda w: {"transfer": "gift", "uses": ["research"]},
        check=_status_is("in_intake"),
    ),
    "api:archive_intake": Case(
        "post",
        _at("intake", "intake"),
        STAFF_STEP,
        data=lambda w: {"placements": [{"item": w["intake"].items.get().pk, "location": "Magasin 1"}]},
        check=_status_is("catalogued"),
    ),
    "api:archive_agreement_document": Case(
        "get", lambda w: f"/api/v1/archives/fonds/{w['intake'].pk}/agreement.odt", STAFF_STEP, check=_an_odt
    ),
    "api:archive_signed_agreement": Case(
        "post",
        _at("agreeing", "signed-agreement"),
        everyone(404, member=403, staff=201),
        data=lambda w: {"file": SimpleUploadedFile("convention-signee.pdf", b"%PDF-1.4\n%signed\n")},
        format="multipart",
        check=_signed_agreement_kept,
    ),
    "api:archive_digitisation": Case(
        "post",
        _at("catalogued", "digitisation", item=True),
        everyone(403, staff=200),
        data=lambda w: {"state": "in_progress"},
    ),
}

MORE_CASES = {
    "an item without a count": Case(
        "post",
        lambda w: "/api/v1/archives/fonds/",
        everyone(400),
        data=lambda w: {"title": "Mes bobines", "items": [{"title": "Noël", "format": "8mm", "count": 0}]},
    ),
    "an offer without items": Case(
        "post", lambda w: "/api/v1/archives/fonds/", everyone(400), data=lambda w: {"title": "Vide", "items": []}
    ),
    "a step on an unknown fonds": Case(
        "post", lambda w: "/api/v1/archives/fonds/999999/assign/", everyone(404), data=lambda w: {"archivist": 1}
    ),
    "an unknown archivist": Case(
        "post", _at("offered", "assign"), everyone(404, member=403, staff=400), data=lambda w: {"archivist": 999999}
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ROLE_CASES) + sorted(MORE_CASES))
def test_role_cast(route, role, world, cast):
    run_case({**ROLE_CASES, **MORE_CASES}[route], world, cast, role)


def test_the_collège_patrimoine_gives_its_opinion_and_a_stale_step_is_refused(world, cast):
    coordinator = make_member(actor=cast.staff, college="patrimoine", role="coordinator")
    url = f"/api/v1/archives/fonds/{world['opinion'].pk}/opinion/"
    given = token_client(coordinator).post(url, {"opinion": "Un fonds rare : tout garder."}, format="json")
    assert given.status_code == 200
    assert Fonds.objects.get(pk=world["opinion"].pk).opinion == "Un fonds rare : tout garder."
    stale = token_client(cast.staff).post(
        f"/api/v1/archives/fonds/{world['offered'].pk}/assign/", {"archivist": cast.staff.pk, "revision": 99},
        format="json",
    )  # fmt: skip
    assert stale.status_code == 400 and "rechargez" in stale.json()["detail"].lower()
    assert Fonds.objects.get(pk=world["offered"].pk).status == "offered"
