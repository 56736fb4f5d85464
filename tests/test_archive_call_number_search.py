"""A call number typed whole in the search finds its item first, not everything that shares a
part of it (the year, "FI", a fonds's number): staff look an item up by the label on its box."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents import actions as document_actions
from tests.archives import shelved, sign_agreement
from tests.factories import make_incoming
from tests.helpers import index_now, signed_in, text_of
from workflows.archives import actions
from workflows.archives.demo import _sepia_still
from workflows.archives.items import ItemDraft
from workflows.archives.models import Fonds, Transfer, Use

pytestmark = pytest.mark.django_db

REELS = ["Fête au village", "Usine de filature", "Communion à Niort"]


def catalogued_with_stills(staff, title: str) -> Fonds:
    """A fonds taken in, with a still of each item in its files named by the item's call number
    (as the digitisation bench names them, and the demo does)."""
    fonds = actions.record_offer(
        staff,
        title=title,
        depositor_name="Famille Martin",
        items=[
            ItemDraft(title=name, format="super8", count=1, year_from=1970 + index) for index, name in enumerate(REELS)
        ],
    )
    actions.assign_archivist(staff, fonds=fonds, archivist=staff)
    for item in fonds.items.all():
        actions.appraise_item(staff, item=item, retained=True)
    actions.finish_appraisal(staff, fonds=fonds)
    actions.record_agreement(staff, fonds=fonds, transfer=Transfer.DEPOSIT, uses=[Use.ON_SITE])
    fonds = actions.take_in(staff, fonds=sign_agreement(staff, fonds), placements=shelved(fonds))
    for item in fonds.items.all():
        still = make_incoming(f"{item.call_number} - photogramme.png", _sepia_still(seed=item.pk, width=8, height=8))
        document_actions.upload_document(staff, folder=fonds.folder, incoming=still, description=item.title)
    return Fonds.objects.get(pk=fonds.pk)


@pytest.fixture
def two_fonds(cast):
    first = catalogued_with_stills(cast.staff, "Films de la famille Martin")
    second = catalogued_with_stills(cast.staff, "Films de l'usine Lenoir")
    index_now()
    return first, second


def results(client, text: str) -> list[str]:
    """The titles of the hits on the search page, in the order shown."""
    from intranet import search

    page = search.search(client, text)
    return [hit.display.title for hit in page.hits]


def test_an_exact_call_number_finds_its_item_first_and_not_every_item_of_the_year(cast, two_fonds):
    first, _second = two_fonds
    wanted = first.items.get(position=2)  # FI-<year>-001-002
    titles = results(cast.staff, wanted.call_number)
    assert titles[0] == f"{wanted.call_number} — Usine de filature"
    # Only what bears that call number: the item and its still, not the year's other items.
    assert len(titles) == 2 and titles[1] == f"{wanted.call_number} - photogramme.png"


def test_the_search_page_shows_the_item_of_a_call_number_first(cast, two_fonds):
    first, _second = two_fonds
    wanted = first.items.get(position=2)
    response = signed_in(cast.staff).get(reverse("search"), {"q": wanted.call_number})
    page = text_of(response)
    assert page.index("Usine de filature") < page.index("photogramme.png")
    other = first.items.get(position=1).call_number
    assert other not in page  # FI-<year>-001-001 shares the fonds and the year: not a match


def test_a_fonds_call_number_finds_the_fonds_and_its_items_only(cast, two_fonds):
    first, second = two_fonds
    titles = results(cast.staff, first.call_number)
    assert "Films de la famille Martin" in titles and "Films de l'usine Lenoir" not in titles
    assert not any(second.call_number in title for title in titles)


def test_a_reference_with_digits_is_read_as_its_parts_in_order_and_plain_words_as_before():
    from intranet.search.query import parse

    (clause,) = parse("FI-2026-001-002").clauses
    assert (clause.kind, clause.terms) == ("phrase", ["fi", "2026", "001", "002"])
    assert [clause.kind for clause in parse("Saint-Étienne cinéma").clauses] == ["word", "word", "word"]


def test_an_index_built_before_finds_items_by_call_number_after_the_upgrade(cast):
    """The upgrade's migration queues every item again: an index written when items were indexed
    by their title alone learns their call numbers from the worker, without a rebuild."""
    import importlib

    from django.apps import apps

    from intranet.models import SearchChange

    fonds = catalogued_with_stills(cast.staff, "Films de la famille Martin")
    index_now()
    item = fonds.items.order_by("pk").first()
    item.__class__.objects.filter(pk=item.pk).update(title="Moisson")
    item.refresh_from_db()
    assert not SearchChange.objects.exists()  # a title changed behind the indexer's back, as in an old index
    migration = importlib.import_module("workflows.archives.migrations.0004_reindex_items_by_call_number")
    migration.queue_items_for_the_index(apps, None)
    assert set(SearchChange.objects.filter(kind="archive_item").values_list("object_id", flat=True)) == set(
        fonds.items.values_list("pk", flat=True)
    )
    index_now()
    assert results(cast.staff, item.call_number)[0] == f"{item.call_number} — Moisson"
