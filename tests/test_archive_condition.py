"""An item's condition, as the depositor declared it and as the archivist found it, and where it
is stored: on the fonds's page, the printable inventory, the CSV and the API, each to whom the
archive's policy opens it (staff and the archivist all of it; the depositor what they declared;
storage places to staff alone)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.api import token_client
from tests.archives import sign_agreement
from tests.helpers import signed_in, text_of
from workflows.archives import actions
from workflows.archives.items import ItemDraft
from workflows.archives.models import Fonds, Transfer, Use

pytestmark = pytest.mark.django_db

DECLARED = "odeur de vinaigre dans la boîte"
NOTE = "Base qui gondole, amorces cassantes"
INTEREST = "Seules images connues des fêtes de Saintes"
STORE = "Magasin 2, travée 7"


@pytest.fixture
def appraising(cast, archivist) -> Fonds:
    """The Patrimoine member's reel, declared smelling of vinegar, appraised by the archivist."""
    fonds = actions.record_offer(
        cast.patrimoine_member,
        title="Films de la famille Martin",
        depositor=cast.patrimoine_member,
        items=[ItemDraft(title="Fêtes de Saintes", format="8mm", count=1, year_from=1964, declared_condition=DECLARED)],
    )
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    actions.appraise_item(
        archivist,
        item=fonds.items.get(),
        retained=True,
        damages=["vinegar", "shrinkage"],
        condition_note=NOTE,
        regional_interest=INTEREST,
    )
    return Fonds.objects.get(pk=fonds.pk)


@pytest.fixture
def catalogued(appraising, archivist) -> Fonds:
    actions.finish_appraisal(archivist, fonds=appraising)
    actions.record_agreement(archivist, fonds=appraising, transfer=Transfer.DEPOSIT, uses=[Use.ON_SITE])
    fonds = sign_agreement(archivist, appraising)
    actions.take_in(archivist, fonds=fonds, placements=[actions.Placement(fonds.items.get().pk, STORE)])
    return Fonds.objects.get(pk=fonds.pk)


def test_the_archivist_appraising_reads_the_declared_condition_beside_the_appraisal_form(appraising, archivist):
    page = text_of(signed_in(archivist).get(reverse("archives:fonds", args=[appraising.pk])))
    appraisal = page.split('id="appraisal-title"')[1]  # the section of the appraisal forms
    assert f"État déclaré par le déposant\xa0: {DECLARED}" in appraisal


def test_staff_and_the_archivist_see_the_declared_condition_and_what_the_appraisal_found(cast, appraising, archivist):
    for person in (archivist, cast.staff):
        page = text_of(signed_in(person).get(reverse("archives:fonds", args=[appraising.pk])))
        assert "État déclaré" in page and DECLARED in page
        assert "Dégradations constatées" in page and "syndrome du vinaigre, rétrécissement" in page
        assert NOTE in page and INTEREST in page


def test_the_depositor_sees_the_condition_they_declared_not_the_archive_s_notes(cast, appraising):
    page = text_of(signed_in(cast.patrimoine_member).get(reverse("archives:fonds", args=[appraising.pk])))
    assert DECLARED in page
    assert NOTE not in page and INTEREST not in page and "syndrome du vinaigre" not in page


def test_a_member_reading_the_catalogue_sees_neither_condition_nor_storage(cast, catalogued):
    page = text_of(signed_in(cast.diffusion_member).get(reverse("archives:fonds", args=[catalogued.pk])))
    assert "Fêtes de Saintes" in page
    assert DECLARED not in page and NOTE not in page and STORE not in page


def test_staff_alone_see_where_a_catalogued_item_is_stored(cast, catalogued, archivist):
    for person in (cast.staff, archivist):
        page = text_of(signed_in(person).get(reverse("archives:fonds", args=[catalogued.pk])))
        assert "Emplacement" in page and STORE in page
    depositor = text_of(signed_in(cast.patrimoine_member).get(reverse("archives:fonds", args=[catalogued.pk])))
    assert STORE not in depositor and DECLARED in depositor


def test_the_printable_inventory_shows_the_condition_to_whom_it_may(cast, catalogued):
    url = reverse("archives:fonds_print", args=[catalogued.pk])
    staff = text_of(signed_in(cast.staff).get(url))
    assert DECLARED in staff and NOTE in staff and "syndrome du vinaigre" in staff
    depositor = text_of(signed_in(cast.patrimoine_member).get(url))
    assert DECLARED in depositor and NOTE not in depositor
    member = text_of(signed_in(cast.diffusion_member).get(url))
    assert "Fêtes de Saintes" in member and DECLARED not in member


def _csv_rows(user, fonds) -> list[dict]:
    response = signed_in(user).get(reverse("archives:fonds_csv", args=[fonds.pk]))
    return list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))


def test_the_inventory_csv_has_the_condition_columns_filled_for_whom_may_read_them(cast, catalogued):
    (staff,) = _csv_rows(cast.staff, catalogued)
    assert staff["État déclaré"] == DECLARED and staff["État physique"] == NOTE
    assert staff["Dégradations constatées"] == "syndrome du vinaigre, rétrécissement"
    assert staff["Intérêt pour la région"] == INTEREST and staff["Emplacement"] == STORE
    (depositor,) = _csv_rows(cast.patrimoine_member, catalogued)
    # Columns the reader may not read are not in their file at all.
    assert depositor["État déclaré"] == DECLARED and "État physique" not in depositor and "Emplacement" not in depositor
    (member,) = _csv_rows(cast.diffusion_member, catalogued)
    assert "État déclaré" not in member and "Dégradations constatées" not in member


def test_the_api_item_carries_the_condition_for_whom_may_read_it(cast, catalogued):
    url = f"/api/v1/archives/fonds/{catalogued.pk}/"
    (staff,) = token_client(cast.staff).get(url).json()["items"]
    assert staff["declared_condition"] == DECLARED and staff["damages"] == ["shrinkage", "vinegar"]
    assert staff["condition_note"] == NOTE and staff["regional_interest"] == INTEREST and staff["location"] == STORE
    (depositor,) = token_client(cast.patrimoine_member).get(url).json()["items"]
    assert depositor["declared_condition"] == DECLARED and depositor["damages"] == []
    assert depositor["condition_note"] == "" and depositor["location"] == ""
    (member,) = token_client(cast.diffusion_member).get(url).json()["items"]
    assert member["declared_condition"] == "" and member["damages"] == [] and member["regional_interest"] == ""
