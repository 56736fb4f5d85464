"""How a notification reads, in the reader's language, from its event, its actor and its
target's title (read at display time; never stored). Each app declares the sentences of its
events with ``intranet.plugins.register(notification_sentences=...)``."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.translation import gettext as _

# {event: () -> the sentence translated now, with %(actor)s and %(title)s to fill}
_sentences: dict[str, Callable[[], str]] = {}


def add_sentences(sentences: Mapping[str, Callable[[], str]]) -> None:
    """Called by ``intranet.plugins.register``."""
    for event, sentence in sentences.items():
        if event in _sentences:
            raise RuntimeError(f"Two sentences for the notification event {event!r}.")
        _sentences[event] = sentence


def events() -> set[str]:
    return set(_sentences)


def has_sentence(event: str) -> bool:
    return event in _sentences


def sentence(event: str, *, actor: str, title: str) -> str:
    return _sentences[event]() % {"actor": actor or _("Someone"), "title": title}


def hidden_sentence() -> str:
    return _("A notification about something you can no longer see.")
