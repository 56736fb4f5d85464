"""What the collège Patrimoine reads in its forum when its opinion is asked: the archivist's
question, a link to the fonds and the items as offered; and, once given, the opinion recorded on
the fonds. Markdown, rendered and sanitised as any post (``forums.actions``). Written in the
active language: the actions build them in the association's, the forum's language."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workflows.archives.models import Fonds, Item

LISTED_ITEMS = 30  # the thread lists these; the fonds's page has the rest
# What Markdown reads as markup in a typed title (its backslash escapes): shown as typed.
_MARKUP = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|])")


def _plain(text: str) -> str:
    return _MARKUP.sub(r"\\\1", " ".join(str(text).split()))


def _period(item: Item) -> str:
    if item.year_from and item.year_to and item.year_to != item.year_from:
        return f"{item.year_from}–{item.year_to}"
    return str(item.year_from or "")


def item_line(item: Item) -> str:
    """``- Title — Super 8, 2 reels or items, 45 min, 1974``: what the collège weighs."""
    facts = [
        item.get_format_display(),
        ngettext("%(count)s reel or item", "%(count)s reels or items", item.count) % {"count": item.count},
        _("%(minutes)s min") % {"minutes": item.duration_minutes} if item.duration_minutes else "",
        _period(item),
    ]
    return f"- **{_plain(item.title)}** — {_plain(', '.join(str(fact) for fact in facts if fact))}"


def opening_post(fonds: Fonds, question: str) -> str:
    """The thread's first post: the question, then the offer it is about."""
    items = list(fonds.items.order_by("position"))
    lines = [
        question,
        "",
        "---",
        "",
        _("**The offer:** [%(title)s](%(url)s); the depositor's list (%(count)s):")
        % {
            "title": _plain(fonds.title),
            "url": reverse("archives:fonds", args=[fonds.pk]),
            "count": ngettext("%(count)s item", "%(count)s items", len(items)) % {"count": len(items)},
        },
        "",
        *(item_line(item) for item in items[:LISTED_ITEMS]),
    ]
    if len(items) > LISTED_ITEMS:
        rest = len(items) - LISTED_ITEMS
        lines.append(ngettext("- and %(count)s more item", "- and %(count)s more items", rest) % {"count": rest})
    lines += ["", _("The fonds's page is open to the collège's coordinators and the archive's staff.")]
    return "\n".join(lines)


def opinion_post(opinion: str) -> str:
    """The opinion given, said in the thread where it was discussed."""
    return "\n".join([_("**Opinion of the collège Patrimoine, recorded on the fonds:**"), "", opinion])
