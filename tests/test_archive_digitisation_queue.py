"""The digitisation queue: one page where staff find every retained item of the catalogued fonds
still to digitise or in progress, the oldest intake first, and move each along; the same rows
in the API. Anybody else meets the 404 of a missing page."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from intranet.models import AuditEntry
from tests.api import token_client
from tests.archives import shelved, sign_agreement
from tests.helpers import text_of
from workflows.archives import actions
from workflows.archives.items import ItemDraft
from workflows.archives.models import Digitisation, Fonds, FondsStatus, Item, Transfer

pytestmark = pytest.mark.django_db

QUEUE = reverse("archives:digitisation_queue")
API_QUEUE = "/api/v1/archives/digitisation-queue/"


def catalogue(depositor, archivist, title: str, reels: list[tuple[str, str]], *, refused: int = 0) -> Fonds:
    """A fonds taken in with ``reels`` (title, format) retained, and ``refused`` more lines not."""
    lines = [ItemDraft(title=name, format=format, count=1) for name, format in reels]
    lines += [ItemDraft(title=f"Doublon {number}", format="8mm", count=1) for number in range(refused)]
    fonds = actions.record_offer(depositor, title=title, items=lines, depositor=depositor)
    actions.assign_archivist(archivist, fonds=fonds, archivist=archivist)
    for item in fonds.items.order_by("position"):
        actions.appraise_item(archivist, item=item, retained=not item.title.startswith("Doublon"))
    actions.finish_appraisal(archivist, fonds=fonds)
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.GIFT, uses=[])
    return actions.take_in(archivist, fonds=sign_agreement(archivist, fonds), placements=shelved(fonds))


@pytest.fixture
def archive(cast, archivist):
    """Two catalogued fonds, the second one recorded later but taken in first; an offer in triage."""
    lenoir = actions.record_offer(
        cast.patrimoine_member,
        title="Films Lenoir (en triage)",
        items=[ItemDraft(title="Bobine en triage", format="super8", count=1)],
    )
    newer = catalogue(
        cast.production_member, archivist, "Famille Martin", [("Vacances", "super8"), ("Mariage", "8mm")], refused=1
    )
    older = catalogue(
        cast.patrimoine_member, archivist, "Usine Durand", [("La filature", "16mm"), ("L'inauguration", "16mm")]
    )
    # Recorded after the Martin family's, but taken in a year before (an intake typed in late).
    Fonds.objects.filter(pk=older.pk).update(catalogued_at=newer.catalogued_at - timedelta(days=365))
    digitised = newer.items.get(title="Mariage")
    actions.set_digitisation(archivist, item=digitised, state=Digitisation.DIGITISED)
    in_progress = older.items.get(title="L'inauguration")
    actions.set_digitisation(archivist, item=in_progress, state=Digitisation.IN_PROGRESS)
    return {"older": older, "newer": newer, "triage": lenoir, "in_progress": in_progress}


def titles_listed(response) -> list[str]:
    cells = re.findall(r'<td data-label="Titre ou sujet">([^<]*)</td>', response.content.decode())
    return [html.unescape(cell) for cell in cells]


def test_staff_find_every_item_waiting_oldest_intake_first_with_its_fonds(cast, login, archive):
    response = login(cast.staff).get(QUEUE)
    assert response.status_code == 200
    # Neither the digitised reel, nor the line not retained, nor the offer still in triage.
    assert titles_listed(response) == ["La filature", "L'inauguration", "Vacances"]
    page = text_of(response)
    assert "File de numérisation" in page and "3 objets en attente" in page
    older = archive["older"]
    assert f"{older.call_number}-001" in page and "16 mm" in page and "Super 8" in page
    assert f'href="{reverse("archives:fonds", args=[older.pk])}"' in response.content.decode()
    assert "numérisation en cours" in page


def test_staff_filter_the_queue_by_state_and_by_format(cast, login, archive):
    client = login(cast.staff)
    assert titles_listed(client.get(QUEUE, {"state": "in_progress"})) == ["L'inauguration"]
    assert titles_listed(client.get(QUEUE, {"state": "to_digitise"})) == ["La filature", "Vacances"]
    assert titles_listed(client.get(QUEUE, {"format": "super8"})) == ["Vacances"]
    assert titles_listed(client.get(QUEUE, {"format": "16mm", "state": "to_digitise"})) == ["La filature"]
    empty = client.get(QUEUE, {"format": "35mm"})
    assert titles_listed(empty) == [] and "Rien n'attend d'être numérisé." in text_of(empty)


def test_a_bad_filter_is_said_and_the_whole_queue_shown(cast, login, archive):
    response = login(cast.staff).get(QUEUE, {"state": "digitised", "format": "70mm", "page": "x"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in text_of(response)
    assert len(titles_listed(response)) == 3


def test_staff_move_an_item_along_from_the_queue_and_come_back_to_it_as_filtered(cast, login, archive):
    client = login(cast.staff)
    filtered = client.get(QUEUE, {"format": "16mm"}).content.decode()
    item = archive["in_progress"]
    action = f"{reverse('archives:digitisation_queue_item', args=[item.pk])}?format=16mm"
    assert f'action="{action}"' in filtered
    response = client.post(action, {f"digitise{item.pk}-digitisation": "digitised"})
    assert response.status_code == 302 and response.url == f"{QUEUE}?format=16mm"
    assert Item.objects.get(pk=item.pk).digitisation == Digitisation.DIGITISED
    entry = AuditEntry.objects.filter(action="archive.digitisation_changed").latest("pk")
    assert entry.actor == cast.staff and entry.target_id == str(item.fonds_id)
    after = client.get(response.url)
    assert titles_listed(after) == ["La filature"]  # digitised: out of the queue
    assert f"{item.call_number}\u00a0: numérisé." in text_of(after)


def test_a_bad_state_is_refused_with_a_message_and_nothing_changes(cast, login, archive):
    item = archive["in_progress"]
    url = reverse("archives:digitisation_queue_item", args=[item.pk])
    response = login(cast.staff).post(url, {f"digitise{item.pk}-digitisation": "lost"})
    assert response.status_code == 400
    assert f"{item.call_number} n'a pas été modifié" in text_of(response)
    assert Item.objects.get(pk=item.pk).digitisation == Digitisation.IN_PROGRESS


def test_an_item_not_yet_taken_in_cannot_be_moved_from_the_queue(cast, login, archivist):
    fonds = actions.record_offer(
        cast.patrimoine_member, title="En cours", items=[ItemDraft(title="Bobine", format="8mm", count=1)]
    )
    actions.assign_archivist(archivist, fonds=fonds, archivist=archivist)
    item = fonds.items.get()
    actions.appraise_item(archivist, item=item, retained=True)
    url = reverse("archives:digitisation_queue_item", args=[item.pk])
    assert login(cast.staff).post(url, {f"digitise{item.pk}-digitisation": "digitised"}).status_code == 403
    assert Item.objects.get(pk=item.pk).digitisation == Digitisation.TO_DIGITISE
    assert Fonds.objects.get(pk=fonds.pk).status == FondsStatus.IN_APPRAISAL


@pytest.mark.parametrize("person", ["patrimoine_member", "production_member", "coordinator", "board_member"])
def test_anybody_but_staff_gets_the_404_of_a_missing_page(cast, login, archive, person):
    client = login(getattr(cast, person))
    item = archive["in_progress"]
    for response in (
        client.get(QUEUE),
        client.post(reverse("archives:digitisation_queue_item", args=[item.pk]), {}),
        client.get("/archives/nulle-part/"),
    ):
        assert response.status_code == 404 and "Page introuvable" in text_of(response)
    assert Item.objects.get(pk=item.pk).digitisation == Digitisation.IN_PROGRESS
    catalogue_page = client.get(reverse("archives:catalogue")).content.decode()
    assert QUEUE not in catalogue_page
    assert token_client(getattr(cast, person)).get(f"{API_QUEUE}?state=nonsense").status_code == 404


def test_the_catalogue_links_staff_to_the_queue(cast, login, archive):
    page = login(cast.staff).get(reverse("archives:catalogue")).content.decode()
    assert f'href="{QUEUE}"' in page and "File de numérisation" in page


# The session and its person, the rows counted, one page of rows with their fonds, the menu's counts.
QUEUE_QUERIES = 5
API_QUEUE_QUERIES = 3  # the token, the rows counted, one page of rows with their fonds


def test_the_queue_costs_the_same_queries_however_many_items_wait(cast, login, archivist, django_assert_num_queries):
    catalogue(cast.patrimoine_member, archivist, "Un fonds", [("Bobine 1", "8mm")])
    client, api = login(cast.staff), token_client(cast.staff)
    for waiting in (1, 13):
        if waiting > 1:
            catalogue(cast.production_member, archivist, "Un autre", [(f"Bobine {n}", "16mm") for n in range(12)])
        # What a change makes the next request read once (the tasks count…), then the measure.
        client.get(QUEUE)
        api.get(API_QUEUE)
        with django_assert_num_queries(QUEUE_QUERIES):
            assert len(titles_listed(client.get(QUEUE))) == waiting
        with django_assert_num_queries(API_QUEUE_QUERIES):
            assert len(api.get(API_QUEUE).json()["results"]) == waiting


def test_the_api_lists_the_same_rows_as_the_page(cast, login, archive):
    response = token_client(cast.staff).get(API_QUEUE)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["title"] for row in rows] == titles_listed(login(cast.staff).get(QUEUE))
    first = rows[0]
    older = archive["older"]
    assert first["call_number"] == f"{older.call_number}-001" and first["format"] == "16mm"
    assert first["fonds"] == older.pk and first["fonds_title"] == "Usine Durand"
    assert first["state"] == "to_digitise" and first["state_label"] == "à numériser"
    assert first["fonds_call_number"] == older.call_number and first["taken_in_at"]
    filtered = token_client(cast.staff).get(API_QUEUE, {"state": "in_progress", "item_format": "16mm"}).json()
    assert [row["title"] for row in filtered["results"]] == ["L'inauguration"]
    bad = token_client(cast.staff).get(API_QUEUE, {"state": "digitised", "item_format": "70mm"})
    assert bad.status_code == 400 and {"state", "item_format"} <= set(bad.json()["errors"])
