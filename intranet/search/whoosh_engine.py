"""The search engine on Whoosh: a local index under ``SEARCH_INDEX_DIR``, written by one
indexer process, read by every request. Only ids and filter fields are stored: what a result
shows is read from the database."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from whoosh import index
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, Every, Not, Or, Phrase, Prefix, Term
from whoosh.writing import SegmentWriter

from intranet.search import whoosh_lengths, whoosh_scopes
from intranet.search.analysis import french_analyzer
from intranet.search.engine import Engine, EngineResults, Filters, IndexBusy, IndexUnavailable
from intranet.search.query import ParsedQuery
from intranet.search.sources import Entry

logger = logging.getLogger("intranet.search")
_local = threading.local()

META_KEY = "_meta"
OPEN_ATTEMPTS = 5
WRITER_TIMEOUT = 30.0
SMALL_SEGMENT = 5000
MAX_SMALL_SEGMENTS = 12


def schema() -> Schema:
    analyzer = french_analyzer()
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID(stored=True, sortable=True),
        object_id=NUMERIC(stored=True, bits=64),
        scope=ID,
        colleges=KEYWORD(commas=False, lowercase=False),
        author=ID,
        date=DATETIME(sortable=True),
        title=TEXT(analyzer=analyzer, field_boost=3.0),
        body=TEXT(analyzer=analyzer),
        applied=STORED,  # on the meta document: the ids of the changes of the last commit
    )


def _merge_small_segments(writer, segments):
    """Commit without the default merge (which can take seconds), but fold small segments
    together once there are many, so that queries and later commits stay quick."""
    small = [segment for segment in segments if segment.doc_count_all() < SMALL_SEGMENT]
    if len(small) < MAX_SMALL_SEGMENTS:
        return segments
    from whoosh.reading import SegmentReader

    for segment in small:
        writer.add_reader(SegmentReader(writer.storage, writer.schema, segment))
    return [segment for segment in segments if segment not in small]


class WhooshEngine(Engine):
    name = "whoosh"

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory or settings.SEARCH_INDEX_DIR)

    # --- opening -------------------------------------------------------------------------

    def _open(self):
        last_error = None
        for attempt in range(OPEN_ATTEMPTS):
            try:
                return index.open_dir(str(self.directory))
            except FileNotFoundError as error:  # a commit swapped the TOC while we opened it
                last_error = error
                time.sleep(0.01 * (attempt + 1))
            except index.EmptyIndexError as error:
                raise IndexUnavailable(str(error)) from error
            except Exception as error:  # a damaged index: nothing to retry
                raise IndexUnavailable(repr(error)) from error
        raise IndexUnavailable(repr(last_error))

    def exists(self) -> bool:
        return self.directory.exists() and index.exists_in(str(self.directory))

    def check(self) -> None:
        ix = self._open()
        if sorted(ix.schema.names()) != sorted(schema().names()):
            # Written by an earlier version of the code: its fields are not the ones searched.
            raise IndexUnavailable("the index was built with other fields")
        with ix.searcher() as searcher:
            searcher.doc_count()

    @contextmanager
    def rebuild_writer(self):
        """A new index built beside the live one and swapped in once complete: searches go on
        meanwhile, and the indexer waits on the live index's write lock, so no change it would
        apply to the old index is lost (it stays pending, then goes into the new one)."""
        fresh = self.directory.with_name(f"{self.directory.name}.new")
        retired = self.directory.with_name(f"{self.directory.name}.old")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        # One sub-writer per core, each leaving its own segment (no final merge, which took
        # minutes at 100,000 entries); the indexer's small commits then merge the small ones.
        writer = index.create_in(str(fresh), schema()).writer(
            procs=max(1, min(4, os.cpu_count() or 1)), limitmb=256, multisegment=True, codec=whoosh_lengths.Codec()
        )
        live_lock = self._live_lock()
        try:
            try:
                yield _Writer(writer)
            except BaseException:
                writer.cancel()
                shutil.rmtree(fresh, ignore_errors=True)
                raise
            writer.commit()
            shutil.rmtree(retired, ignore_errors=True)
            if self.directory.exists():
                self.directory.rename(retired)
            fresh.rename(self.directory)
            shutil.rmtree(retired, ignore_errors=True)
            whoosh_scopes.forget()
            whoosh_lengths.forget()
        finally:
            if live_lock is not None:
                live_lock.release()

    def _live_lock(self):
        try:
            if not self.exists():
                return None
            lock = index.open_dir(str(self.directory)).lock("WRITELOCK")
            lock.acquire(blocking=True)
        except Exception:  # a damaged index has no writer to hold back
            return None
        return lock

    # --- writing -------------------------------------------------------------------------

    @contextmanager
    def writer(self):
        try:
            writer = SegmentWriter(self._open(), timeout=WRITER_TIMEOUT, delay=0.05, codec=whoosh_lengths.Codec())
        except index.LockError as error:
            raise IndexBusy(str(error)) from error
        try:
            yield _Writer(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=_merge_small_segments)

    def last_applied(self) -> set[int]:
        with self._open().searcher() as searcher:
            stored = searcher.document(key=META_KEY)
        return set(stored.get("applied") or []) if stored else set()

    # --- reading -------------------------------------------------------------------------

    def count(self) -> int:
        with self._open().searcher() as searcher:
            return searcher.doc_count() - (1 if searcher.document(key=META_KEY) else 0)

    def last_commit(self) -> datetime | None:
        toc = sorted(self.directory.glob("_MAIN_*.toc"), key=lambda path: path.stat().st_mtime)
        return datetime.fromtimestamp(toc[-1].stat().st_mtime).astimezone() if toc else None

    def search(
        self,
        parsed: ParsedQuery,
        scopes: set[str],
        filters: Filters,
        *,
        offset: int,
        limit: int,
        every_clause: bool = False,
    ):
        searcher = self._searcher()
        allowed = whoosh_scopes.allowed_docnums(searcher, frozenset(scopes))
        if not allowed:
            return EngineResults(hits=[], has_more=False)
        # Only the page and one more: an exact count would score every match in Python (a
        # common word: hundreds of milliseconds), where the top hits let Whoosh skip blocks.
        query = _query(parsed, filters, every_clause=every_clause)
        if _intersects(parsed, every_clause):
            # Entries of every word (or of a phrase) are walked together, in step with the
            # person's scopes: what is not theirs is skipped (whole blocks of it, in a rebuilt
            # index that keeps each forum and folder together), not read then filtered out.
            # One word is best left to the collector, which skips blocks that cannot rank.
            query = And([whoosh_scopes.InScopes(searcher._ix.storage.folder, frozenset(scopes)), query])
        results = searcher.search(
            query,
            filter=allowed,
            limit=offset + limit + 1,
            sortedby="date" if filters.order == "date" else None,
            reverse=filters.order == "date",
            terms=False,
        )
        found = [(hit["kind"], int(hit["object_id"])) for hit in results[offset : offset + limit + 1]]
        return EngineResults(hits=found[:limit], has_more=len(found) > limit)

    def _searcher(self):
        """This thread's searcher, kept open and refreshed: opening a packed index copies its
        terms into memory (~200 ms at 100,000 entries), refreshing reopens only new segments."""
        key = str(self.directory)
        current = getattr(_local, "searchers", {}).get(key)
        try:
            inode = self.directory.stat().st_ino
            if current is not None and current[0] == inode:
                searcher = _refreshed(current[1])
            else:
                if current is not None:  # a rebuilt index was swapped in
                    current[1].close()
                searcher = self._open().searcher(weighting=whoosh_lengths.BM25F())
        except IndexUnavailable:
            raise
        except Exception as error:  # a damaged segment, or the index swapped under us
            raise IndexUnavailable(repr(error)) from error
        if not hasattr(_local, "searchers"):
            _local.searchers = {}
        _local.searchers[key] = (inode, searcher)
        return searcher


def _refreshed(searcher):
    """A searcher on the index's latest commit, keeping the readers of the segments that did
    not change. Whoosh's own ``refresh`` keeps a segment's reader after the segment gained
    deletions (an edited entry was still found by its old words) and brings back segments a
    merge removed (entries found twice), so a reader is kept only for the same segment with the
    same number of deletions (deletions only grow, so the same count is the same set)."""
    if searcher.up_to_date():
        return searcher
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return _on_latest_commit(searcher)
        except FileNotFoundError:  # a commit merged away a segment while we opened it: read again
            time.sleep(0.01 * (attempt + 1))
    return _on_latest_commit(searcher)


def _on_latest_commit(searcher):
    from whoosh.reading import EmptyReader, MultiReader, SegmentReader
    from whoosh.searching import Searcher

    ix = searcher._ix
    toc = ix._read_toc()
    kept = {
        (leaf.segment().segment_id(), leaf.segment().deleted_count()): leaf
        for leaf, _offset in whoosh_scopes.leaves(searcher)
    }
    readers, opened = [], []
    try:
        for segment in toc.segments:
            reader = kept.pop((segment.segment_id(), segment.deleted_count()), None)
            if reader is None:
                reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
                opened.append(reader)
            readers.append(reader)
    except BaseException:
        for reader in opened:  # the kept ones still serve the current searcher
            reader.close()
        raise
    for reader in readers:
        reader._gen = toc.generation  # a kept reader now stands for this commit
    for reader in kept.values():
        reader.close()
    if not readers:
        reader = EmptyReader(toc.schema)
    elif len(readers) == 1:
        reader = readers[0]
    else:
        reader = MultiReader(readers, generation=toc.generation)
    return Searcher(reader, fromindex=ix, weighting=searcher.weighting)


def _fields(entry: Entry) -> dict:
    fields = {
        "key": entry.key,
        "kind": entry.kind,
        "object_id": entry.object_id,
        "scope": entry.scope,
        "colleges": " ".join(entry.colleges),
        "title": entry.title,
        "body": entry.body,
    }
    if entry.author_id:
        fields["author"] = str(entry.author_id)
    if entry.date:
        fields["date"] = _naive_utc(entry.date)
    return fields


class _Writer:
    def __init__(self, writer):
        self._writer = writer

    def put(self, entry: Entry) -> None:
        self._writer.update_document(**_fields(entry))

    def add(self, entry: Entry) -> None:
        """Into an index known not to hold it (a rebuild): quicker than ``put``."""
        self._writer.add_document(**_fields(entry))

    def remove(self, key: str) -> None:
        self._writer.delete_by_term("key", key)

    def mark_applied(self, change_ids: list[int]) -> None:
        self._writer.update_document(key=META_KEY, scope="_meta", applied=list(change_ids))


def _naive_utc(moment: datetime) -> datetime:
    """Whoosh stores naive datetimes: every one is UTC (the extreme dates a form accepts stay in range)."""
    if timezone.is_naive(moment):
        return moment
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        return moment.replace(tzinfo=None)


def _intersects(parsed: ParsedQuery, every_clause: bool) -> bool:
    required = parsed.required
    return (every_clause and len(required) > 1) or any(len(clause.terms) > 1 for clause in required)


def _clause_query(clause):
    if clause.kind == "prefix":
        starts = {clause.raw, *clause.terms}
        return Or([Prefix(field, start) for field in ("title", "body") for start in sorted(starts)])
    if clause.kind == "phrase":
        return Or([Phrase("title", clause.terms), Phrase("body", clause.terms)])
    parts = [Or([Term("title", term), Term("body", term)]) for term in clause.terms]
    return parts[0] if len(parts) == 1 else And(parts)


def _query(parsed: ParsedQuery, filters: Filters, *, every_clause: bool = False):
    words = [_clause_query(clause) for clause in parsed.required]
    if len(words) > 1:
        words = [And(words) if every_clause else Or(words, scale=0.9)]
    parts = list(words)
    if filters.kinds:
        parts.append(Or([Term("kind", kind) for kind in filters.kinds]))
    if filters.college:
        parts.append(Term("colleges", filters.college))
    if filters.author_id:
        parts.append(Term("author", str(filters.author_id)))
    if filters.since or filters.until:
        from whoosh.query import DateRange

        parts.append(
            DateRange(
                "date",
                _naive_utc(filters.since) if filters.since else None,
                _naive_utc(filters.until) if filters.until else None,
            )
        )
    query = And(parts) if parts else Every()
    for clause in parsed.excluded:
        query = And([query, Not(_clause_query(clause))])
    return query
