"""The navigation's counts ("My tasks", the bell), kept per person instead of counted on every page.

A count is the sum of its parts, one per app that counts it ("tasks": the proposals' steps and
votes, the archive's fonds, the board's meetings), each kept in its own row: a change to one app's
rows recounts that app's part alone, and the home asks an app what waits for the reader only when
its part is not nought. A page reads the reader's parts in one query. What changes a part makes it
stale: a change to a shared process (a step moved, a vote opened, someone's roles changed: whose
tasks changed is the counting app's business, and such changes are rare) makes the part stale for
everyone, in the changing transaction; a change for some people (their notifications) makes theirs
stale once it is committed. The next page that shows a stale part recounts it for its reader alone,
with the function the app registered, and keeps the result unless the part was made stale again
meanwhile (``version``): a recount that raced with a change never hides it. A part that time alone
changes (a convocation waits until its meeting starts) says until when it holds (``Counted``), and
is recounted after that moment.

Why two moments: a "for everyone" update first takes the count's lock (on PostgreSQL, a lock of
the transaction named after the count), so two transactions marking parts in opposite orders (a
role saved: the proposals' part, then the archive's; an offer: the archive's, then Viewflow's
task) wait for each other instead of deadlocking. Per-person updates (every reply notifies
someone) run after commit, so that the lock is held for their own short transaction only, not
for the whole change; they take it first too, so they never hold a row that a change for
everyone waits for.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Model, signals
from django.utils import timezone

from intranet import policies
from intranet.models import NavigationCount, User


@dataclass(frozen=True)
class Counted:
    """A count that holds until a moment (or for ever: ``until=None``), when time changes it."""

    value: int
    until: datetime | None = None


# What the policies read of an account: saving any other of its fields changes no count.
ACCOUNT_FIELDS_COUNTED = frozenset({"is_active", "is_staff", "is_superuser"})

CountFunction = Callable[[Any], "int | Counted"]
# name → part (the counting app) → the function counting that part.
_counting: dict[str, dict[str, CountFunction]] = {}


def add(
    name: str,
    part: str,
    count: CountFunction,
    *,
    changes_with: Iterable[type[Model] | tuple[type[Model], Callable[[Any], bool]]] = (),
    changes_for: Mapping[type[Model], Callable[[Any], Iterable[int]]] | None = None,
) -> None:
    """``count(user)`` is the part ``part`` of the count ``name``; a row of any of ``changes_with``
    saved or deleted (or a many-to-many link added or removed) makes that part stale for
    everyone, in the same transaction; ``(Model, concerns(row))`` there: only a row it concerns
    (a Viewflow task of the app's own process, not of another app's). Saving an account changes
    a count only when one of ``ACCOUNT_FIELDS_COUNTED`` is saved (not a sign-in, a name). A row
    of a model in ``changes_for`` ``{Model: people(row) -> user ids}`` changes only those
    people's part (a ballot, its voter's): theirs is made stale once the change is committed."""
    if part in _counting.get(name, {}):
        raise RuntimeError(f"The count {name!r} already has a part {part!r}.")
    _counting.setdefault(name, {})[part] = count
    uid = f"counts:{name}:{part}"
    for model, people in (changes_for or {}).items():
        handler = partial(_row_changed_for, name, part, people)
        signals.post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}:{model}:save-for")
        signals.post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}:{model}:delete-for")
    for changing in changes_with:
        model, concerns = changing if isinstance(changing, tuple) else (changing, None)
        handler = partial(_model_changed, name, part, concerns)
        # Strong references: the partials live as long as the process, like the registry.
        signals.post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}:{model}:save")
        signals.post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}:{model}:delete")
        signals.m2m_changed.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}:{model}:m2m")


def _model_changed(name: str, part: str, concerns: Callable[[Any], bool] | None, sender, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures loading: nothing to tell
        return
    if concerns is not None and not concerns(kwargs["instance"]):
        return
    action, update_fields = kwargs.get("action"), kwargs.get("update_fields")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: once, after the links changed
    if sender is User and update_fields is not None and not set(update_fields) & ACCOUNT_FIELDS_COUNTED:
        return  # a sign-in, a new name or password: nobody's roles changed
    _mark_stale(name, None, part=part)


def _row_changed_for(name: str, part: str, people: Callable[[Any], Iterable[int]], sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        stale_on_commit(name, people(instance), part=part)


def stale_on_commit(names: str | Iterable[str], user_ids: Iterable[int], *, part: str | None = None) -> None:
    """Once the current transaction commits (at once outside one), the count ``names`` (or each
    of several, in one update; its part ``part``, or every part) is recounted at the next page of
    these people."""
    transaction.on_commit(partial(_mark_stale, names, sorted(set(user_ids)), part=part))


def _mark_stale(names: str | Iterable[str], user_ids: list[int] | None, *, part: str | None = None) -> None:
    names = sorted({names} if isinstance(names, str) else set(names))
    # The counts' locks first, always, in one order: a mark for some people (after commit, in a
    # transaction of its own) would otherwise take rows in another order than one for everyone,
    # and deadlock.
    with transaction.atomic(savepoint=False):
        _lock_counts(names)
        # Every row, stale or not: the version tells a recount under way that it is out of date.
        rows = NavigationCount.objects.filter(name__in=names)
        if part is not None:
            rows = rows.filter(part=part)
        if user_ids is not None:
            rows = rows.filter(user_id__in=user_ids)
        rows.update(stale=True, version=F("version") + 1)


def _lock_counts(names: list[str]) -> None:
    """Held until the transaction ends; taken again by the same transaction at no cost. One
    statement for all: PostgreSQL evaluates a select list left to right, so in the order given.
    SQLite has one writer at a time already."""
    if connection.vendor == "postgresql" and names:
        keys = [zlib.crc32(f"navigation count {name}".encode()) for name in names]
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(["pg_advisory_xact_lock(%s)"] * len(keys)), keys)


def counts_for_page(user) -> dict[str, int]:
    """``counts_for``, read once while a page is read: its navigation and its parts (the home's
    "waiting for me") ask the same counts."""
    return _totals(parts_for_page(user))


def parts_for_page(user) -> dict[tuple[str, str], int]:
    """``parts_for``, read once while a page is read."""
    return policies.read_once(user, "navigation_counts", lambda: parts_for(user))


def counts_for(user) -> dict[str, int]:
    """The person's counts by name (the sums of their parts)."""
    return _totals(parts_for(user))


def parts_for(user) -> dict[tuple[str, str], int]:
    """The person's counts by (name, part): one query, plus a recount of those made stale since
    or whose moment has passed."""
    rows = {(row.name, row.part): row for row in NavigationCount.objects.filter(user=user)}
    registered = [(name, part) for name, parts in _counting.items() for part in parts]
    missing = [key for key in registered if key not in rows]
    if missing:
        # Created stale, then counted like any stale row: a change committed meanwhile is seen.
        NavigationCount.objects.bulk_create(
            [NavigationCount(user=user, name=name, part=part) for name, part in missing], ignore_conflicts=True
        )
        created = NavigationCount.objects.filter(user=user, name__in={name for name, _part in missing})
        rows.update({(row.name, row.part): row for row in created if (row.name, row.part) not in rows})
    parts = {}
    now = timezone.now()
    for name, part in registered:
        row = rows[name, part]
        if row.stale or (row.recount_after is not None and row.recount_after <= now):
            counted = _counted(_counting[name][part](user))
            row.value = counted.value
            NavigationCount.objects.filter(pk=row.pk, version=row.version).update(
                value=counted.value, stale=False, recount_after=counted.until
            )
        parts[name, part] = row.value
    return parts


def _counted(result: int | Counted) -> Counted:
    return result if isinstance(result, Counted) else Counted(result)


def _totals(parts: Mapping[tuple[str, str], int]) -> dict[str, int]:
    totals = dict.fromkeys((name for name, _part in parts), 0)
    for (name, _part), value in parts.items():
        totals[name] += value
    return totals
