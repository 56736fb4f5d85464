"""What can be searched. Each kind has a source in its app that builds index entries from the
database, says which scopes a person may open (from the same selectors as the pages), and
describes hits for the results page. The engines know only entries, scopes and filters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import CharField, QuerySet, Value

from intranet import policies as core

# Every member may open these scopes (decisions, active members' profiles); staff also "inactive".
EVERY_MEMBER = "members"
STAFF_ONLY = "staff"


@dataclass
class Entry:
    kind: str
    object_id: int
    scope: str  # who may open it: "forum:3", "folder:12", "proposal:7", "members"…
    title: str
    body: str
    date: datetime | None
    colleges: list[str] = field(default_factory=list)  # slugs
    author_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}"


@dataclass
class Display:
    """A hit as the results page shows it, read from the database (never from the index)."""

    title: str
    url: str
    text: str  # the text the snippet is cut from
    context: str = ""  # where it is: "Forum Production", "Documents › Budget"…
    date: datetime | None = None


class Source:
    kind: str
    label: str  # plural, for the group heading
    position: int  # where the search page lists it among the kinds (lower first)
    batch_size = 500
    # Sources whose entries share their scopes (threads and replies: their forum) name the same
    # family, and a person's scopes are asked once for all of them.
    scope_family: str = ""

    def entries(self, ids: list[int]) -> dict[int, Entry]:
        """Entries of the objects that are still searchable; the others are removed."""
        raise NotImplementedError

    def all_ids(self) -> Iterator[int]:
        raise NotImplementedError

    def allowed_scopes(self, user) -> set[str]:
        raise NotImplementedError

    def allowed_ids(self, user) -> tuple[str, QuerySet] | None:
        """When this kind's scopes are objects the person may open: their prefix ("forum") and
        the query of their ids, from the pages' selectors (the same set as ``allowed_scopes``).
        The scopes of every kind are then read in one query."""
        return None

    def display(self, user, ids: list[int], scopes: set[str]) -> dict[int, Display]:
        """Hits in ``scopes`` (what ``user`` may open, just computed from the selectors),
        described from the database; any other id is left out (the index may lag)."""
        raise NotImplementedError


_sources: dict[str, Source] = {}


def add_source(source: Source) -> None:
    """Called by ``intranet.plugins.register``: apps declare their sources there."""
    if source.kind in _sources:
        raise RuntimeError(f"Two search sources for {source.kind!r}.")
    ordered = sorted([*_sources.values(), source], key=lambda each: each.position)  # stable on ties
    _sources.clear()
    _sources.update((each.kind, each) for each in ordered)


def sources() -> dict[str, Source]:
    """Every source by kind, in the order the search page lists them."""
    return _sources


def ids_in(scopes: set[str], prefix: str) -> set[int]:
    """The ids of scopes such as "forum:3" for ``prefix`` "forum"."""
    start = f"{prefix}:"
    return {int(scope[len(start) :]) for scope in scopes if scope.startswith(start)}


def allowed_scopes(user) -> set[str]:
    """What ``user`` may open now, from the selectors of the pages: the ids of forums, folders
    and proposals in one query (a union of the selectors' queries), the board roles read once."""
    scopes: set[str] = set()
    asked: set[str] = set()
    queries = []
    with core.roles_read_once(user):
        for source in sources().values():
            family = source.scope_family or source.kind
            if family in asked:
                continue
            asked.add(family)
            allowed = source.allowed_ids(user)
            if allowed is None:
                scopes |= source.allowed_scopes(user)
            else:
                prefix, ids = allowed
                queries.append(ids.order_by().values_list(Value(prefix, output_field=CharField()), "pk"))
    if queries:
        scopes.update(f"{prefix}:{pk}" for prefix, pk in queries[0].union(*queries[1:], all=True))
    return scopes
