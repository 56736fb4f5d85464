"""The navigation's counts ("My tasks", the bell), kept per person instead of counted on every page.

A page reads the reader's counts in one query. What changes a count makes it stale: a change to
a shared process (a step moved, a vote opened, someone's roles changed: whose tasks changed is the
counting app's business, and such changes are rare) makes the count stale for everyone, in the
changing transaction; a change for some people (their notifications) makes theirs stale once it
is committed. The next page that shows a stale count recounts it for its reader alone, with the
functions the apps registered, and keeps the result unless the count was made stale again
meanwhile (``version``): a recount that raced with a change never hides it. A count that time
alone changes (a convocation waits until its meeting starts) says until when it holds
(``Counted``), and is recounted after that moment.

Why two moments: every "for everyone" update takes the same rows in the same order, so two such
transactions wait for each other but cannot deadlock; per-person updates from many transactions
(two replies notifying overlapping people) could, so they run after commit, holding no lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F, Model, signals
from django.utils import timezone

from intranet import policies
from intranet.models import NavigationCount


@dataclass(frozen=True)
class Counted:
    """A count that holds until a moment (or for ever: ``until=None``), when time changes it."""

    value: int
    until: datetime | None = None


CountFunction = Callable[[Any], "int | Counted"]
# name → the functions whose results add up to it (apps counting the same thing: "tasks").
_counting: dict[str, list[CountFunction]] = {}


def add(
    name: str,
    count: CountFunction,
    *,
    changes_with: Iterable[type[Model]] = (),
    changes_for: Mapping[type[Model], Callable[[Any], Iterable[int]]] | None = None,
) -> None:
    """``count(user)`` is part of the count ``name``; a row of any of ``changes_with`` saved or
    deleted (or a many-to-many link added or removed) makes ``name`` stale for everyone, in the
    same transaction. Saving an account only to record a sign-in changes nothing. A row of a
    model in ``changes_for`` ``{Model: people(row) -> user ids}`` changes only those people's
    count (a ballot, its voter's): theirs is made stale once the change is committed."""
    _counting.setdefault(name, []).append(count)
    for model, people in (changes_for or {}).items():
        handler = partial(_row_changed_for, name, people)
        signals.post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"counts:{name}:{model}:save-for")
        signals.post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"counts:{name}:{model}:delete-for")
    for model in changes_with:
        handler = partial(_model_changed, name)
        # Strong references: the partials live as long as the process, like the registry.
        signals.post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"counts:{name}:{model}:save")
        signals.post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"counts:{name}:{model}:delete")
        signals.m2m_changed.connect(handler, sender=model, weak=False, dispatch_uid=f"counts:{name}:{model}:m2m")


def _model_changed(name: str, sender, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures loading: nothing to tell
        return
    action, update_fields = kwargs.get("action"), kwargs.get("update_fields")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: once, after the links changed
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in
    _mark_stale(name, None)


def _row_changed_for(name: str, people: Callable[[Any], Iterable[int]], sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        stale_on_commit(name, people(instance))


def stale_on_commit(name: str, user_ids: Iterable[int]) -> None:
    """Once the current transaction commits (at once outside one), ``name`` is recounted at the
    next page of these people."""
    transaction.on_commit(partial(_mark_stale, name, sorted(set(user_ids))))


def _mark_stale(name: str, user_ids: list[int] | None) -> None:
    # Every row, stale or not: the version tells a recount under way that it is out of date.
    rows = NavigationCount.objects.filter(name=name)
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    rows.update(stale=True, version=F("version") + 1)


def counts_for_page(user) -> dict[str, int]:
    """``counts_for``, read once while a page is read: its navigation and its parts (the home's
    "waiting for me") ask the same counts."""
    return policies.read_once(user, "navigation_counts", lambda: counts_for(user))


def counts_for(user) -> dict[str, int]:
    """The person's counts by name: one query, plus a recount of those made stale since."""
    rows = {row.name: row for row in NavigationCount.objects.filter(user=user)}
    missing = [name for name in _counting if name not in rows]
    if missing:
        # Created stale, then counted like any stale row: a change committed meanwhile is seen.
        NavigationCount.objects.bulk_create(
            [NavigationCount(user=user, name=name) for name in missing], ignore_conflicts=True
        )
        rows.update({row.name: row for row in NavigationCount.objects.filter(user=user, name__in=missing)})
    counts = {}
    now = timezone.now()
    for name, counting in _counting.items():
        row = rows[name]
        if row.stale or (row.recount_after is not None and row.recount_after <= now):
            counted = _add_up(count(user) for count in counting)
            row.value = counted.value
            NavigationCount.objects.filter(pk=row.pk, version=row.version).update(
                value=counted.value, stale=False, recount_after=counted.until
            )
        counts[name] = row.value
    return counts


def _add_up(results: Iterable[int | Counted]) -> Counted:
    """The sum, holding until the first moment one of its parts stops holding."""
    value, moments = 0, []
    for result in results:
        if isinstance(result, Counted):
            value += result.value
            if result.until is not None:
                moments.append(result.until)
        else:
            value += result
    return Counted(value, min(moments, default=None))
