"""Messages to people's open pages, always sent after the transaction commits.

Each open socket joins the group of its user (``user_group``). Messages go to the groups of the
people concerned; the consumer never filters a broadcast.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def close_sockets_on_commit(*, user_ids: Iterable[int], reason: str) -> None:
    """Close every open socket of these people once the transaction commits (e.g. deactivation).

    Recipients are decided now, inside the transaction; nothing leaves before the commit, so a
    rolled-back change is never acted upon.
    """
    recipients = sorted(set(user_ids))
    if recipients:
        transaction.on_commit(
            partial(_group_send_skipping_commit, recipients, {"type": "session.end", "reason": reason})
        )


def _group_send_skipping_commit(user_ids: list[int], message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    for user_id in user_ids:
        try:
            send(user_group(user_id), message)
        except Exception:
            logger.warning("Could not reach the channel layer for user %s", user_id, exc_info=True)
