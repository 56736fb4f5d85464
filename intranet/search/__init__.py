"""Search across forums, documents, proposals and people: the facade the rest of the code uses.

- ``record_change(kind, ids)`` inside the transaction of a change: a pending row, applied by
  the indexer (``intranet.search.indexer``) off the request path.
- ``search(user, text, filters, page)``: what ``user`` may open and nothing else. The scopes
  they may open come from the same selectors as the pages, at the moment of the search.

The engine (Whoosh by default, PostgreSQL full-text with ``SEARCH_BACKEND = "postgres"``) is
chosen here; no other module imports one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from intranet.models import SearchChange
from intranet.search.engine import Engine, EngineResults, Filters, IndexUnavailable
from intranet.search.highlight import snippet
from intranet.search.query import ParsedQuery, parse
from intranet.search.sources import Display, allowed_scopes, sources

logger = logging.getLogger("intranet.search")

PER_PAGE = 20
MAX_PAGE = 50


def engine() -> Engine:
    # Imported on first use, not to dodge a circle (the engines never import this facade): a
    # server loads only the engine it is configured with, never Whoosh's files or PostgreSQL's search.
    if settings.SEARCH_BACKEND == "postgres":
        from intranet.search.postgres_engine import PostgresEngine

        return PostgresEngine()
    from intranet.search.whoosh_engine import WhooshEngine

    return WhooshEngine()


def record_change(kind: str, ids: Iterable[int]) -> None:
    """Note that these objects changed (or went): in the caller's transaction, so the index
    learns of every committed change and of none that was rolled back."""
    SearchChange.objects.bulk_create([SearchChange(kind=kind, object_id=object_id) for object_id in set(ids)])


@dataclass
class Hit:
    kind: str
    object_id: int
    display: Display
    title: str  # with the matching words marked
    snippet: str


@dataclass
class Group:
    kind: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)


@dataclass
class SearchPage:
    text: str
    parsed: ParsedQuery
    filters: Filters
    page: int
    more: bool = False
    groups: list[Group] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unavailable: bool = False

    @property
    def has_next(self) -> bool:
        return self.more and self.page < MAX_PAGE

    @property
    def hits(self) -> list[Hit]:
        return [hit for group in self.groups for hit in group.hits]


def search(user, text: str, filters: Filters | None = None, page: int = 1) -> SearchPage:
    filters = filters or Filters()
    page = min(max(page, 1), MAX_PAGE)
    parsed = parse(text)
    result = SearchPage(text=text, parsed=parsed, filters=filters, page=page, notes=list(parsed.notes))
    if parsed.is_empty:
        if not parsed.notes:
            result.notes.append(_("Type one or more words to search for."))
        return result
    scopes = allowed_scopes(user)
    try:
        found = _found(parsed, scopes, filters, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    except IndexUnavailable:
        logger.exception("search index unreadable; the indexer rebuilds it")
        result.unavailable = True
        result.notes.append(_("Search is unavailable for a moment: the index is being rebuilt. Try again shortly."))
        return result
    except Exception:
        logger.exception("search failed for %r", text[:200])
        result.unavailable = True
        result.notes.append(_("This search could not be run. Try other words."))
        return result
    # No counts are shown: an exact one costs a scoring of every match, and a count taken from
    # the index would include what it still holds but the person may no longer open.
    result.groups = _described(user, found.hits, parsed, scopes)
    result.more = found.has_more
    return result


def _found(parsed: ParsedQuery, scopes: set[str], filters: Filters, *, offset: int, limit: int) -> EngineResults:
    """What has every word comes first, then what has only some of them: "eleve cinema" also
    finds the colleague whose skills say "cinéma d'animation". Asking for every word first is
    quick (few entries have them all); the others are looked for only when those run out
    before the end of the page."""
    search_engine = engine()
    if len(parsed.required) < 2:
        return search_engine.search(parsed, scopes, filters, offset=offset, limit=limit)
    every = search_engine.search(parsed, scopes, filters, offset=0, limit=offset + limit, every_clause=True)
    if every.has_more:  # the page and one more have every word
        return EngineResults(hits=every.hits[offset:], has_more=True)
    # Every entry with all the words is in ``every.hits``; the others follow, in their order.
    any_ = search_engine.search(parsed, scopes, filters, offset=0, limit=offset + limit + len(every.hits))
    first = set(every.hits)
    merged = every.hits + [hit for hit in any_.hits if hit not in first]
    return EngineResults(hits=merged[offset : offset + limit], has_more=any_.has_more or len(merged) > offset + limit)


def _described(user, hits: list[tuple[str, int]], parsed: ParsedQuery, scopes: set[str]) -> list[Group]:
    """The hits, read from the database as ``user`` may see them now, grouped by kind in the
    order of their best hit."""
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in hits:
        by_kind.setdefault(kind, []).append(object_id)
    displays = {kind: sources()[kind].display(user, ids, scopes) for kind, ids in by_kind.items() if kind in sources()}
    groups: dict[str, Group] = {}
    marked: dict[str, str] = {}  # the posts of one thread share its title: marked once

    def mark(text: str):
        if text not in marked:
            marked[text] = snippet(text, parsed)
        return marked[text]

    for kind, object_id in hits:
        display = displays.get(kind, {}).get(object_id)
        if display is None:
            continue  # gone, or no longer theirs to open, since it was indexed
        group = groups.setdefault(kind, Group(kind=kind, label=str(sources()[kind].label), count=0))
        group.hits.append(Hit(kind, object_id, display, mark(display.title), mark(display.text)))
        group.count += 1
    return list(groups.values())
