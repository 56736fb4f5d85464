"""Each member's choice of delivery per kind of notification (their row, or the default)."""

from __future__ import annotations

from collections.abc import Iterable

from intranet.notifications.kinds import all_kinds, kind_named
from intranet.notifications.models import Preference


def deliveries(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each person's choice for ``kind`` (one query)."""
    user_ids = list(user_ids)
    chosen = dict(Preference.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", "delivery"))
    return {user_id: chosen.get(user_id, kind_named(kind).delivery) for user_id in user_ids}


def preferences_of(user_id: int) -> dict[str, str]:
    """Every kind → the person's delivery (their choice or the default)."""
    chosen = dict(Preference.objects.filter(user_id=user_id).values_list("kind", "delivery"))
    return {kind.value: chosen.get(kind.value, kind.delivery) for kind in all_kinds()}
