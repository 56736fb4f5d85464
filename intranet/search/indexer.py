"""The indexer: applies pending changes in batches, one commit per batch, off the request path.

Nothing is lost: a change is a row written with the change itself, deleted only once the index
holds it. Nothing is applied twice: the index keeps the ids of the batch it last committed, so
a crash between that commit and the deletion of the rows is finished on restart without
applying them again. A missing or unreadable index is rebuilt, with a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from itertools import islice

from django.db import transaction

from intranet.models import SearchChange
from intranet.search import engine as current_engine
from intranet.search import record_change
from intranet.search.engine import Engine
from intranet.search.sources import sources

logger = logging.getLogger("intranet.search")

BATCH_SIZE = 500


def ensure_index(engine: Engine) -> bool:
    """Rebuild a missing or unreadable index; True when it had to."""
    try:
        if engine.exists():
            engine.check()
            return False
        logger.warning("Search index missing: rebuilding it.")
    except Exception as error:
        logger.warning("Search index unreadable (%r): rebuilding it.", error)
    rebuild(engine)
    return True


def _batched(ids: Iterator[int], size: int) -> Iterator[list[int]]:
    while batch := list(islice(ids, size)):
        yield batch


def rebuild(engine: Engine | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Index everything from the database into a new index. Changes pending meanwhile stay
    pending and are applied after (applying one twice is harmless outside a crash)."""
    engine = engine or current_engine()
    written = 0
    with engine.rebuild_writer() as writer:
        for source in sources().values():
            for ids in _batched(iter(source.all_ids()), source.batch_size):
                for entry in source.entries(ids).values():
                    writer.add(entry)
                written += len(ids)
                if progress:
                    progress(len(ids))
    return written


def queue_everything() -> int:
    """Ask for every searchable object to be indexed again (after data written without the
    actions, such as the demo): pending changes, applied by the indexer like any other."""
    queued = 0
    for kind, source in sources().items():
        for ids in _batched(iter(source.all_ids()), 5000):
            record_change(kind, ids)
            queued += len(ids)
    return queued


def apply_pending(engine: Engine | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Apply one batch of pending changes; the number applied."""
    engine = engine or current_engine()
    ensure_index(engine)
    already = engine.last_applied()
    if already:
        # The last commit held these, but the crash came before their rows were deleted.
        SearchChange.objects.filter(pk__in=already).delete()
    pending = SearchChange.objects.order_by("pk").values_list("pk", "kind", "object_id")
    if engine.name == "postgres":
        with transaction.atomic():
            # Several indexers (one per node) share the queue: each takes rows the others are not on.
            changes = list(pending.select_for_update(skip_locked=True)[:batch_size])
            if changes:
                _apply(engine, changes)
        return len(changes)
    # A local index: no database transaction around its commit (SQLite would stay locked meanwhile).
    changes = list(pending[:batch_size])
    if changes:
        _apply(engine, changes)
        _forget([pk for pk, _kind, _object_id in changes])
    return len(changes)


def _apply(engine: Engine, changes: list[tuple[int, str, int]]) -> None:
    by_kind: dict[str, set[int]] = {}
    for _pk, kind, object_id in changes:
        by_kind.setdefault(kind, set()).add(object_id)
    change_ids = [pk for pk, _kind, _object_id in changes]
    with engine.writer() as writer:
        for kind, ids in by_kind.items():
            source = sources().get(kind)
            if source is None:
                continue
            entries = source.entries(sorted(ids))
            for object_id in ids:
                if object_id in entries:
                    writer.put(entries[object_id])
                else:
                    writer.remove(f"{kind}:{object_id}")
        writer.mark_applied(change_ids)
    if engine.name == "postgres":
        # Same database, same transaction: the rows go with the commit of the index.
        SearchChange.objects.filter(pk__in=change_ids).delete()


def _forget(change_ids: list[int]) -> None:
    """The rows the index now holds. A crash just before this is finished on the next start."""
    SearchChange.objects.filter(pk__in=change_ids).delete()
