"""What notifications point at. Each app describes its own targets, asking its own policy: a
target the person may no longer open is simply absent, and nothing of it is shown or sent.
Apps declare their describers with ``intranet.plugins.register(notification_targets=...)``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    title: str
    url: str  # a path; e-mails prefix the site's address
    excerpt: str = ""  # a few lines of text, for e-mails (a reply, a proposal's summary)
    # The excerpt as HTML for e-mails' HTML part (lists, links), escaped by the app that makes it
    # (a ``SafeString``; a plain string is escaped); without it, the text excerpt is shown.
    excerpt_html: str = ""
    # A file the e-mail carries, made only when an e-mail is built: (name, content, MIME type).
    attachment: Callable[[], tuple[str, bytes, str]] | None = None


Describer = Callable[[object, list[int]], dict[int, Target]]

_describers: dict[str, Describer] = {}


def add_describer(target_type: str, describer: Describer) -> None:
    """Called by ``intranet.plugins.register``."""
    if target_type in _describers:
        raise RuntimeError(f"Two describers of the notification target {target_type!r}.")
    _describers[target_type] = describer


def target_types() -> set[str]:
    return set(_describers)


def describer(target_type: str) -> Describer:
    return _describers[target_type]


def describe(user, pairs: set[tuple[str, int]]) -> dict[tuple[str, int], Target]:
    """The targets ``user`` may open now, one call per kind of target."""
    by_type: dict[str, list[int]] = {}
    for target_type, target_id in pairs:
        by_type.setdefault(target_type, []).append(target_id)
    described = {}
    for target_type, ids in by_type.items():
        for target_id, target in describer(target_type)(user, sorted(ids)).items():
            described[(target_type, target_id)] = target
    return described


def excerpt(text: str, length: int = 280) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"
