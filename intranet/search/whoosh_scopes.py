"""Searching only what a reader may open, on Whoosh: the document numbers of each scope, kept per
segment, and a query that keeps a phrase search within them (``intranet.search.whoosh_engine``)."""

from __future__ import annotations

from bisect import bisect_left

from whoosh.matching import ListMatcher, NullMatcher, ReadTooFar
from whoosh.query import Query

# Document numbers per (segment, scope): a filter query would cost more to build than the
# search itself. A segment never changes once written (deletions are skipped by the searcher),
# so the big segments keep their sets while commits add small ones. What is cached is what the
# index holds; which scopes a person may open is asked of the selectors at every search.
_scope_cache: dict[tuple[str, str], dict[tuple[str, int], frozenset[int]]] = {}
SCOPE_CACHE_SEGMENTS = 200
# The sorted document numbers of a segment for a set of scopes (a person's, in a phrase search).
_sorted_cache: dict[tuple[str, str, frozenset[str]], list[int]] = {}
SORTED_CACHE_SIZE = 64


def leaves(searcher):
    reader = searcher.reader()
    leaves = [(reader, 0)] if reader.is_atomic() else reader.leaf_readers()
    return [(leaf, offset) for leaf, offset in leaves if hasattr(leaf, "segment")]


def _scope_docnums(folder: str, leaf, scope: str, offset: int) -> frozenset[int]:
    """The document numbers of ``scope`` in one segment, counted from ``offset``."""
    per_scope = _scope_cache.get((folder, leaf.segment().segment_id()))
    if per_scope is None:
        if len(_scope_cache) > SCOPE_CACHE_SEGMENTS:
            _scope_cache.clear()
        per_scope = _scope_cache[(folder, leaf.segment().segment_id())] = {}
    docnums = per_scope.get((scope, offset))
    if docnums is None:
        local = leaf.postings("scope", scope).all_ids() if ("scope", scope) in leaf else ()
        docnums = per_scope[(scope, offset)] = frozenset(docnum + offset for docnum in local)
    return docnums


# The union for a set of scopes over the current segments (a person searching again).
_allowed_cache: dict[tuple, set[int]] = {}  # never changed once made (Whoosh takes a set)
ALLOWED_CACHE_SIZE = 32


def allowed_docnums(searcher, scopes: frozenset[str]) -> set[int]:
    folder = searcher._ix.storage.folder
    segments = leaves(searcher)
    key = (folder, tuple((leaf.segment().segment_id(), offset) for leaf, offset in segments), scopes)
    allowed = _allowed_cache.get(key)
    if allowed is None:
        sets = [_scope_docnums(folder, leaf, scope, offset) for leaf, offset in segments for scope in scopes]
        allowed = set().union(*sets)
        if len(_allowed_cache) >= ALLOWED_CACHE_SIZE:
            _allowed_cache.clear()
        _allowed_cache[key] = allowed
    return allowed


class InScopes(Query):
    """Only the documents of these scopes, as a query: joined to a phrase, positions are read
    for those documents only (a filter applied after matching would read them for all)."""

    def __init__(self, folder: str, scopes: frozenset[str]):
        self.folder, self.scopes = folder, scopes

    def __eq__(self, other):
        return type(other) is type(self) and (other.folder, other.scopes) == (self.folder, self.scopes)

    def __hash__(self):
        return hash((self.folder, self.scopes))

    def estimate_size(self, ixreader):
        return ixreader.doc_count_all()

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        if not hasattr(reader, "segment"):
            return NullMatcher()
        key = (self.folder, reader.segment().segment_id(), self.scopes)
        docnums = _sorted_cache.get(key)
        if docnums is None:
            if len(_sorted_cache) >= SORTED_CACHE_SIZE:
                _sorted_cache.clear()
            local: set[int] = set().union(*(_scope_docnums(self.folder, reader, scope, 0) for scope in self.scopes))
            docnums = _sorted_cache[key] = sorted(local)
        return _DocnumMatcher(docnums) if docnums else NullMatcher()


class _DocnumMatcher(ListMatcher):
    """A sorted list of document numbers that adds nothing to the score and skips by bisection."""

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def score(self):
        return 0.0

    def supports_block_quality(self):
        return False


def forget() -> None:
    """The index was rebuilt: its segments are new."""
    _scope_cache.clear()
    _sorted_cache.clear()
    _allowed_cache.clear()
