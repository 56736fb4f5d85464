"""Items' subjects, the keywords an archivist indexes a film by ("fête de village", "vendanges"):
typed in the pre-deposit list, completed at appraisal, shown on the fonds's page, its printout
and its CSV, read and written through the API, and found by the search on both engines."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from intranet.exceptions import ActionRefused
from tests.api import token_client
from tests.archives import shelved, sign_agreement
from tests.helpers import text_of
from tests.test_archive_process_pages import offer_data
from workflows.archives import actions
from workflows.archives.items import ItemDraft, clean_subjects
from workflows.archives.models import Fonds, Item, Transfer, Use

pytestmark = pytest.mark.django_db

REELS = [
    ItemDraft(title="Fête au village", format="super8", count=2, year_from=1976, subjects="fête de village, vendanges"),
    ItemDraft(title="Bobine en double", format="super8", count=1, year_from=1976, subjects="doublon"),
]


def in_appraisal(cast, archivist) -> Fonds:
    fonds = actions.record_offer(cast.patrimoine_member, title="Films de la famille Martin", items=REELS)
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    return Fonds.objects.get(pk=fonds.pk)


def catalogued(cast, archivist) -> Fonds:
    fonds = in_appraisal(cast, archivist)
    kept, doubled = fonds.items.order_by("position")
    actions.appraise_item(archivist, item=kept, retained=True)
    actions.appraise_item(archivist, item=doubled, retained=False)
    actions.finish_appraisal(archivist, fonds=fonds)
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.DEPOSIT, uses=[Use.ON_SITE])
    return actions.take_in(archivist, fonds=sign_agreement(archivist, fonds), placements=shelved(fonds))


def test_subjects_typed_in_the_pre_deposit_list_are_kept_tidy_in_the_order_typed(cast, login):
    client = login(cast.production_member)
    line = {"title": "Fête au village", "format": "super8", "count": "2"}
    form = client.get(reverse("archives:offer")).content.decode()
    assert 'name="items-0-subjects"' in form and "fête de village, vendanges" in form  # the field and its example
    response = client.post(
        reverse("archives:offer"), offer_data([{**line, "subjects": " Fête de  village;vendanges , fête de village,"}])
    )
    assert response.status_code == 302
    assert Item.objects.get().subjects == "Fête de village, vendanges"  # a repeat dropped, whatever its case
    page = text_of(client.get(response.url))
    assert "Sujets" in page and "Fête de village" in page and "vendanges" in page


def test_a_subject_too_long_is_refused_naming_its_line_and_nothing_is_recorded(cast, login):
    lines = [
        {"title": "Fête au village", "format": "super8", "count": "2", "subjects": "fête de village"},
        {"title": "Filature", "format": "16mm", "count": "1", "subjects": "une très longue phrase " * 5},
    ]
    response = login(cast.production_member).post(reverse("archives:offer"), offer_data(lines))
    assert response.status_code == 400
    assert "Objet 2\u00a0: un sujet fait au plus 80 caractères" in text_of(response)
    assert not Fonds.objects.exists()


def test_subjects_are_cleaned_from_a_text_or_a_list_and_refused_clearly_when_too_many():
    assert clean_subjects(["vendanges", "Vendanges", " industrie   textile ", ""]) == "vendanges, industrie textile"
    assert clean_subjects("") == ""
    with pytest.raises(ActionRefused) as too_many:
        clean_subjects([f"sujet numéro {number}" for number in range(40)])
    assert too_many.value.field == "subjects" and "500" in too_many.value.message


def test_the_archivist_completes_the_subjects_at_appraisal(cast, archivist, login):
    fonds = in_appraisal(cast, archivist)
    item = fonds.items.get(position=1)
    client = login(archivist)
    page = client.get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert f'name="item{item.pk}-subjects"' in page and 'value="fête de village, vendanges"' in page
    url = reverse("archives:appraise", args=[fonds.pk, item.pk])
    posted = {f"item{item.pk}-retained": "yes", f"item{item.pk}-subjects": "fête de village, vendanges, bal populaire"}
    assert client.post(url, posted).status_code == 302
    assert Item.objects.get(pk=item.pk).subjects == "fête de village, vendanges, bal populaire"
    refused = client.post(url, {**posted, f"item{item.pk}-subjects": "x" * 81})
    assert refused.status_code == 409 and "Sujets\u00a0: un sujet fait au plus 80 caractères" in text_of(refused)
    assert Item.objects.get(pk=item.pk).subjects == "fête de village, vendanges, bal populaire"  # unchanged
    # The depositor reads the list, but does not appraise it.
    assert login(cast.patrimoine_member).post(url, posted).status_code == 403


def test_a_member_reads_the_subjects_on_the_page_the_printout_and_the_csv(cast, archivist, login):
    fonds = catalogued(cast, archivist)
    client = login(cast.production_member)
    page = client.get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert "vendanges" in page and "doublon" not in page  # the line not retained is not shown, nor its subjects
    assert f"{reverse('search')}?kind=archive_item&amp;q=%22f%C3%AAte%20de%20village%22" in page
    printout = text_of(client.get(reverse("archives:fonds_print", args=[fonds.pk])))
    assert "Sujets" in printout and "fête de village, vendanges" in printout
    response = client.get(reverse("archives:fonds_csv", args=[fonds.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0][2:4] == ["Titre ou sujet", "Sujets"]
    assert rows[1][2:4] == ["Fête au village", "fête de village, vendanges"] and len(rows) == 2


def searching_with(engine_name: str, settings):
    """What the search finds of the archive's kinds, on ``engine_name``."""
    from django.db import connection

    from intranet import search

    if engine_name == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL search engine needs DATABASE_URL on PostgreSQL (CI runs it there)")
    settings.SEARCH_BACKEND = engine_name

    def found(user, text) -> set[str]:
        return {hit.kind for hit in search.search(user, text).hits} & {"fonds", "archive_item"}

    return found


@pytest.mark.parametrize("engine_name", ["whoosh", "postgres"])
def test_the_search_finds_an_offer_s_items_and_fonds_by_subject_for_who_may_open_them(
    cast, archivist, engine_name, settings
):
    from tests.helpers import index_now

    found = searching_with(engine_name, settings)
    in_appraisal(cast, archivist)
    index_now()
    assert found(cast.patrimoine_member, "vendanges") == {"fonds", "archive_item"}  # the depositor's own offer
    assert found(cast.production_member, "vendanges") == set()  # someone else's offer


@pytest.mark.parametrize("engine_name", ["whoosh", "postgres"])
def test_subjects_changed_at_appraisal_are_what_the_catalogue_is_found_by(cast, archivist, engine_name, settings):
    from tests.helpers import index_now

    found = searching_with(engine_name, settings)
    fonds = in_appraisal(cast, archivist)
    index_now()  # the pre-deposit list's subjects are in the index; the appraisal changes them
    kept, doubled = fonds.items.order_by("position")
    actions.appraise_item(archivist, item=kept, retained=True, subjects="fête de village, industrie textile")
    actions.appraise_item(archivist, item=doubled, retained=False)
    actions.finish_appraisal(archivist, fonds=Fonds.objects.get(pk=fonds.pk))
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.GIFT, uses=[])
    actions.take_in(archivist, fonds=sign_agreement(archivist, fonds), placements=shelved(fonds))
    index_now()
    assert found(cast.production_member, "industrie textile") == {"fonds", "archive_item"}  # catalogued: every member
    assert found(cast.production_member, "vendanges") == set()  # the appraisal replaced it
    assert found(cast.production_member, "doublon") == set()  # not retained: not searchable, even through its fonds


def test_the_api_takes_subjects_with_the_offer_and_at_appraisal_and_reads_them_back(cast, archivist):
    member = token_client(cast.patrimoine_member)
    line = {
        "title": "Vendanges 1976",
        "format": "super8",
        "count": 1,
        "subjects": ["vendanges", "Vendanges", "famille"],
    }
    created = member.post("/api/v1/archives/fonds/", {"title": "Films Martin", "items": [line]}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["items"][0]["subjects"] == ["vendanges", "famille"]
    fonds = Fonds.objects.get(pk=created.json()["id"])
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    url = f"/api/v1/archives/fonds/{fonds.pk}/items/{fonds.items.get().pk}/appraise/"
    staff = token_client(archivist)
    kept = staff.post(url, {"retained": True}, format="json")  # subjects left out: those of the list stay
    assert kept.json()["items"][0]["subjects"] == ["vendanges", "famille"]
    changed = staff.post(url, {"retained": True, "subjects": ["vendanges", "viticulture"]}, format="json")
    assert changed.json()["items"][0]["subjects"] == ["vendanges", "viticulture"]
    too_long = staff.post(url, {"retained": True, "subjects": ["x" * 81]}, format="json")
    assert too_long.status_code == 400 and "subjects" in too_long.json()["errors"]
    assert Item.objects.get(fonds=fonds).subjects == "vendanges, viticulture"


def test_the_demo_fonds_have_subjects(cast):
    from workflows.archives.demo import seed_archive_demo

    assert seed_archive_demo() == 12
    assert Item.objects.filter(subjects__contains="vendanges").exists()
    assert Item.objects.filter(subjects__contains="industrie textile", fonds__status="catalogued").count() >= 2
    assert not Item.objects.filter(fonds__status="catalogued", retained=True, subjects="").exists()
