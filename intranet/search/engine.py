"""What every search engine offers the facade (``intranet.search``)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from intranet.search.query import ParsedQuery


class IndexUnavailable(Exception):
    """The index is missing or unreadable: the indexer rebuilds it."""


class IndexBusy(Exception):
    """Another process holds the index's write lock (a rebuild): try again later."""


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()
    college: str = ""
    author_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    order: str = "relevance"  # or "date", newest first


@dataclass
class EngineResults:
    hits: list[tuple[str, int]]  # (kind, object id), best first
    has_more: bool  # another page follows (no exact count: it would cost a scoring of every match)


class Engine:
    name: str

    def exists(self) -> bool:
        raise NotImplementedError

    def check(self) -> None:
        """Raise when the index cannot be read."""
        raise NotImplementedError

    def rebuild_writer(self) -> AbstractContextManager:
        """A writer into a new, empty index that replaces the current one when the block ends
        without error (searches keep the current one until then)."""
        raise NotImplementedError

    def writer(self) -> AbstractContextManager:
        """A writer with ``put(entry)``, ``add(entry)``, ``remove(key)`` and
        ``mark_applied(change_ids)``, committed once when the block ends without error."""
        raise NotImplementedError

    def last_applied(self) -> set[int]:
        """The ids of the pending changes the last commit applied (for an index kept outside the
        database, whose commit cannot join the deletion of those rows)."""
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def last_commit(self) -> datetime | None:
        raise NotImplementedError

    def search(
        self,
        parsed: ParsedQuery,
        scopes: set[str],
        filters: Filters,
        *,
        offset: int,
        limit: int,
        every_clause: bool = False,
    ) -> EngineResults:
        """Entries matching any of the wanted clauses (the more the better), or every one of
        them with ``every_clause``; none of the excluded ones."""
        raise NotImplementedError
