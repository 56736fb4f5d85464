"""The search engine on PostgreSQL full-text search, for several nodes: the entries live in the
shared database (``intranet_searchentry``), analysed by the ``intranet_french`` configuration
(unaccent, then French stems) that the migration creates. Its index is written in the same
transaction as the deletion of the pending changes it applies: nothing to recover after a crash."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F, Func, Max, TextField

from intranet.models import SearchEntry
from intranet.search.engine import Engine, EngineResults, Filters
from intranet.search.query import Clause, ParsedQuery
from intranet.search.sources import Entry

CONFIG = "intranet_french"
_NOT_A_WORD = re.compile(r"[^\w]+", re.UNICODE)

# Entries written with their vector in one statement (one row version each, not an insert then
# an update). File names are cut at their dots, dashes and underscores: "previsionnel.pdf" is
# found by "previsionnel" (PostgreSQL would keep it as one "file" token). An upsert: two
# indexers (one per node) writing the same entry wait for each other.
UPSERT_SQL = """
INSERT INTO intranet_searchentry
    (key, kind, object_id, scope, colleges, author_id, date, title, body, indexed_at, vector)
SELECT key, kind, object_id, scope, colleges, author_id, date, title, body, now(),
    setweight(to_tsvector('intranet_french', regexp_replace(title, '[._/-]+', ' ', 'g')), 'A')
    || setweight(to_tsvector('intranet_french', body), 'B')
FROM unnest(%s::varchar[], %s::varchar[], %s::bigint[], %s::varchar[], %s::text[], %s::bigint[],
    %s::timestamptz[], %s::text[], %s::text[])
    AS entry(key, kind, object_id, scope, colleges, author_id, date, title, body)
ON CONFLICT (key) DO UPDATE SET
    kind = EXCLUDED.kind, object_id = EXCLUDED.object_id, scope = EXCLUDED.scope,
    colleges = EXCLUDED.colleges, author_id = EXCLUDED.author_id, date = EXCLUDED.date,
    title = EXCLUDED.title, body = EXCLUDED.body, indexed_at = EXCLUDED.indexed_at,
    vector = EXCLUDED.vector
"""
UPSERT_ROWS = 200


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise ImproperlyConfigured('SEARCH_BACKEND = "postgres" needs DATABASE_URL on PostgreSQL.')


class PostgresEngine(Engine):
    name = "postgres"

    def exists(self) -> bool:
        _require_postgres()
        return True  # the table comes with the migrations

    def check(self) -> None:
        SearchEntry.objects.exists()

    @contextmanager
    def rebuild_writer(self):
        """One transaction: searches see the old entries until the new ones are committed
        (a DELETE, not a TRUNCATE, which would lock readers out meanwhile)."""
        _require_postgres()
        with transaction.atomic():
            SearchEntry.objects.all().delete()
            writer = _Writer()
            yield writer
            writer.flush()
        # The old entries' space freed, and fresh statistics: with those of the old (or empty)
        # table, the planner reads every entry of a phrase's words before the scope filter
        # instead of after it, and searches read the old entries' index items until a vacuum.
        with connection.cursor() as cursor:
            if connection.in_atomic_block:  # VACUUM cannot run in a transaction
                cursor.execute("ANALYZE intranet_searchentry")
            else:
                cursor.execute("VACUUM (ANALYZE) intranet_searchentry")

    @contextmanager
    def writer(self):
        _require_postgres()
        with transaction.atomic():
            writer = _Writer()
            yield writer
            writer.flush()

    def last_applied(self) -> set[int]:
        return set()

    def count(self) -> int:
        return SearchEntry.objects.count()

    def last_commit(self) -> datetime | None:
        return SearchEntry.objects.aggregate(last=Max("indexed_at"))["last"]

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
        _require_postgres()
        query = _tsquery(parsed, every_clause=every_clause)
        if query is None or not scopes:
            return EngineResults(hits=[], has_more=False)
        # The scope as a one-element array, as the index over (scope, vector) has it: the
        # index then gives only the person's entries of the words, and the table is read for
        # those alone (with ``scope IN (…)``, every entry of a common word was read, then most
        # were filtered out).
        entries = SearchEntry.objects.alias(scope_array=_ScopeArray()).filter(
            scope_array__overlap=sorted(scopes), vector=query
        )
        if filters.kinds:
            entries = entries.filter(kind__in=filters.kinds)
        if filters.college:
            entries = entries.filter(colleges__contains=f" {filters.college} ")
        if filters.author_id:
            entries = entries.filter(author_id=filters.author_id)
        if filters.since:
            entries = entries.filter(date__gte=filters.since)
        if filters.until:
            entries = entries.filter(date__lte=filters.until)
        if filters.order == "date":
            ordered = entries.order_by(F("date").desc(nulls_last=True), "-pk")
        else:
            ordered = entries.annotate(rank=SearchRank(F("vector"), query)).order_by("-rank", "-pk")
        found = list(ordered.values_list("kind", "object_id")[offset : offset + limit + 1])
        return EngineResults(hits=found[:limit], has_more=len(found) > limit)


class _ScopeArray(Func):
    """``ARRAY[scope::text]``: the first expression of the index ``intranet_searchentry_scope_vector``."""

    template = "ARRAY[%(expressions)s::text]"
    output_field = ArrayField(TextField())

    def __init__(self):
        super().__init__(F("scope"))


def _clause(clause: Clause) -> SearchQuery | None:
    if clause.kind == "phrase":
        return SearchQuery(clause.raw, config=CONFIG, search_type="phrase")
    words = [_NOT_A_WORD.sub("", word) for word in clause.raw.split()]
    words = [word for word in words if word]
    if not words:
        return None
    suffix = ":*" if clause.kind == "prefix" else ""
    return SearchQuery(" & ".join(f"{word}{suffix}" for word in words), config=CONFIG, search_type="raw")


def _tsquery(parsed: ParsedQuery, *, every_clause: bool = False) -> SearchQuery | None:
    """Any (or every) wanted clause, none of the excluded ones; PostgreSQL stems each word itself."""
    wanted = [query for query in map(_clause, parsed.required) if query is not None]
    if not wanted:
        return None
    combined = wanted[0]
    for query in wanted[1:]:
        combined = combined & query if every_clause else combined | query
    for query in filter(None, map(_clause, parsed.excluded)):
        combined &= ~query
    return combined


class _Writer:
    def __init__(self):
        self._entries: dict[str, Entry] = {}
        self._removed: set[str] = set()

    FLUSH_EVERY = 1000  # a rebuild writes in slices (one transaction still)

    def put(self, entry: Entry) -> None:
        self._removed.discard(entry.key)
        self._entries[entry.key] = entry
        if len(self._entries) >= self.FLUSH_EVERY:
            self.flush()

    add = put

    def remove(self, key: str) -> None:
        self._entries.pop(key, None)
        self._removed.add(key)

    def mark_applied(self, change_ids: list[int]) -> None:
        """Nothing to keep: the caller deletes the changes in this same transaction."""

    def flush(self) -> None:
        if self._removed:
            SearchEntry.objects.filter(key__in=self._removed).delete()
        entries = list(self._entries.values())
        with connection.cursor() as cursor:
            for start in range(0, len(entries), UPSERT_ROWS):
                rows = entries[start : start + UPSERT_ROWS]
                cursor.execute(
                    UPSERT_SQL,
                    [
                        [entry.key for entry in rows],
                        [entry.kind for entry in rows],
                        [entry.object_id for entry in rows],
                        [entry.scope for entry in rows],
                        [f" {' '.join(entry.colleges)} " for entry in rows],
                        [entry.author_id for entry in rows],
                        [entry.date for entry in rows],
                        [entry.title.replace("\x00", "") for entry in rows],
                        [entry.body.replace("\x00", "") for entry in rows],
                    ],
                )
        self._entries, self._removed = {}, set()
