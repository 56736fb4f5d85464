"""A request's Whoosh searcher is kept open between searches and refreshed after each commit of
the indexer: an edited, hidden or merged entry must be found by its new words only, once."""

from __future__ import annotations

import pytest
from whoosh import index

from intranet.search.engine import Filters
from intranet.search.query import parse
from intranet.search.sources import Entry
from intranet.search.whoosh_engine import MAX_SMALL_SEGMENTS, WhooshEngine, schema


@pytest.fixture
def engine(tmp_path):
    index.create_in(str(tmp_path), schema())
    return WhooshEngine(tmp_path)


def entry(object_id: int, body: str) -> Entry:
    return Entry(kind="thread", object_id=object_id, scope="forum:1", title="Atelier", body=body, date=None)


def hits(engine, text: str) -> list[tuple[str, int]]:
    return engine.search(parse(text), {"forum:1"}, Filters(), offset=0, limit=20).hits


def test_an_edited_entry_is_found_by_its_new_words_only_by_a_searcher_kept_open(engine):
    with engine.writer() as writer:
        writer.put(entry(1, "Projection du documentaire sur les vendanges"))
        writer.put(entry(2, "Réunion des bénévoles"))
    assert hits(engine, "vendanges") == [("thread", 1)]  # opens this thread's searcher
    assert engine._searcher() is engine._searcher()  # kept while nothing was committed

    with engine.writer() as writer:  # the post is edited: the same key, new words
        writer.put(entry(1, "Projection du documentaire sur la moisson"))
    assert hits(engine, "vendanges") == []
    assert hits(engine, "moisson") == [("thread", 1)]

    with engine.writer() as writer:  # then hidden
        writer.remove("thread:1")
    assert hits(engine, "moisson") == []
    assert hits(engine, "benevoles") == [("thread", 2)]


def test_entries_are_found_once_after_the_small_segments_are_merged(engine):
    for number in range(1, MAX_SMALL_SEGMENTS + 3):  # one commit each, then a merge
        with engine.writer() as writer:
            writer.put(entry(number, f"Séance numéro {number} du ciné-club"))
        assert hits(engine, "cine-club").count(("thread", number)) == 1
    found = hits(engine, "seance")
    assert sorted(found) == [("thread", number) for number in range(1, MAX_SMALL_SEGMENTS + 3)]
