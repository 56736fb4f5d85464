"""The archive's pages: the catalogue a member browses, a fonds's page, its printable inventory
and its CSV, each showing a reader only what the policy opens to them."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from intranet.models import Territory
from tests.archives import make_archivist, sign_agreement
from tests.helpers import text_of
from workflows.archives import actions
from workflows.archives.items import ItemDraft
from workflows.archives.models import Fonds, Transfer, Use

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(cast):
    """A catalogued fonds of a family (deposited by the Patrimoine member) and an offer still in
    triage by the Production member."""
    archivist = make_archivist()
    calvados = Territory.objects.order_by("code").first()
    fonds = actions.record_offer(
        cast.patrimoine_member,
        title="Films de la famille Lenoir",
        depositor=cast.patrimoine_member,
        items=[
            ItemDraft(title="=Plage de Cabourg", format="super8", count=2, year_from=1968, territory_id=calvados.pk),
            ItemDraft(title="Bobine moisie", format="8mm", count=1, year_from=1959),
        ],
    )
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    first, second = fonds.items.order_by("position")
    actions.appraise_item(archivist, item=first, retained=True, condition_note="Bon état")
    actions.appraise_item(archivist, item=second, retained=False, damages=["mould"])
    actions.finish_appraisal(archivist, fonds=fonds)
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.DEPOSIT, uses=[Use.ON_SITE])
    actions.take_in(
        archivist, fonds=sign_agreement(archivist, fonds), placements=[actions.Placement(first.pk, "Magasin 1")]
    )
    offer = actions.record_offer(
        cast.production_member,
        title="Rushes d'un court métrage",
        depositor=cast.production_member,
        items=[ItemDraft(title="Rushes", format="16mm", count=4, year_from=1991)],
    )
    return {"catalogued": Fonds.objects.get(pk=fonds.pk), "offer": offer, "territory": calvados}


def test_a_member_browses_the_catalogue_and_their_own_offer_only(cast, login, archive):
    page = text_of(login(cast.production_member).get(reverse("archives:catalogue")))
    assert "Films de la famille Lenoir" in page and "Rushes d'un court métrage" in page
    other = text_of(login(cast.diffusion_member).get(reverse("archives:catalogue")))
    assert "Films de la famille Lenoir" in other and "Rushes d'un court métrage" not in other


def test_the_catalogue_filters_by_place_decade_and_format(cast, login, archive):
    client = login(cast.staff)
    by_place = text_of(client.get(reverse("archives:catalogue"), {"territory": archive["territory"].pk}))
    assert "Films de la famille Lenoir" in by_place and "Rushes" not in by_place
    by_decade = text_of(client.get(reverse("archives:catalogue"), {"decade": 1990}))
    assert "Rushes d'un court métrage" in by_decade and "Lenoir" not in by_decade
    by_format = text_of(client.get(reverse("archives:catalogue"), {"format": "16mm"}))
    assert "Rushes d'un court métrage" in by_format and "Lenoir" not in by_format
    nonsense = client.get(reverse("archives:catalogue"), {"decade": "abc", "territory": "x'", "format": "70mm"})
    assert nonsense.status_code == 200  # an unknown filter is ignored, never a 500


def test_a_member_reads_a_catalogued_fonds_without_its_depositor_or_its_refused_lines(cast, login, archive):
    fonds = archive["catalogued"]
    page = text_of(login(cast.diffusion_member).get(reverse("archives:fonds", args=[fonds.pk])))
    assert fonds.call_number in page and "Plage de Cabourg" in page
    assert cast.patrimoine_member.get_full_name() not in page  # the depositor
    assert "Bobine moisie" not in page and "Magasin 1" not in page and "Historique" not in page
    own = text_of(login(cast.patrimoine_member).get(reverse("archives:fonds", args=[fonds.pk])))
    assert cast.patrimoine_member.get_full_name() in own and "Bobine moisie" in own and "Historique" in own
    # The history names each step in the reader's language, with who took it.
    assert "Proposition de dépôt d'archives enregistrée" in own or "proposition de dépôt d'archives enregistrée" in own
    assert "fonds entré et catalogué, Armelle Archive" in own


def test_someone_else_s_offer_is_a_404_like_a_missing_fonds(cast, login, archive):
    offer = archive["offer"]
    for name in ("archives:fonds", "archives:fonds_print", "archives:fonds_csv"):
        assert login(cast.diffusion_member).get(reverse(name, args=[offer.pk])).status_code == 404
        assert login(cast.diffusion_member).get(reverse(name, args=[99999])).status_code == 404
        assert login(cast.production_member).get(reverse(name, args=[offer.pk])).status_code == 200


def test_the_inventory_csv_lists_the_items_and_cannot_run_a_formula(cast, login, archive):
    fonds = archive["catalogued"]
    response = login(cast.staff).get(reverse("archives:fonds_csv", args=[fonds.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="inventaire-fi-')
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0][:3] == ["Ligne", "Cote", "Titre ou sujet"]
    assert rows[1][1] == f"{fonds.call_number}-001" and rows[1][2] == "'=Plage de Cabourg"
    assert rows[1][12] == "Magasin 1" and rows[2][11] == "non"
    assert rows[0][13] == "Numérisation" and rows[1][13] and rows[2][13] == ""  # what is not kept is not digitised


def test_a_member_s_inventory_csv_has_the_columns_of_their_page(cast, login, archive):
    fonds = archive["catalogued"]
    response = login(cast.diffusion_member).get(reverse("archives:fonds_csv", args=[fonds.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    staff_rows = csv.reader(
        io.StringIO(login(cast.staff).get(reverse("archives:fonds_csv", args=[fonds.pk])).content.decode())
    )
    staff_only = {"Retenu", "Emplacement", "État déclaré", "Dégradations constatées", "État physique"}
    assert staff_only <= set(next(staff_rows)) and not staff_only & set(rows[0])
    assert "Numérisation" in rows[0] and all(len(row) == len(rows[0]) for row in rows)
    assert len(rows) == 2  # the line not retained is not theirs to read


def test_the_printable_inventory_is_a_page_of_its_own(cast, login, archive):
    fonds = archive["catalogued"]
    page = text_of(login(cast.patrimoine_member).get(reverse("archives:fonds_print", args=[fonds.pk])))
    assert "Inventaire de Films de la famille Lenoir" in page and fonds.call_number in page
