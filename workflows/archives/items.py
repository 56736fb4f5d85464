"""A pre-deposit list as typed: every line checked before anything is written, each refusal
naming its line and its field in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intranet.exceptions import ActionRefused
from workflows.archives.models import CALL_NUMBER_PREFIX, EARLIEST_YEAR, Format, Item, Sound

MAX_ITEMS = 2000  # a pre-deposit list longer than this is sent in parts
TEXT_LIMITS = {"title": 300, "author": 200, "place": 200, "declared_condition": 500}
SUBJECT_MAX_LENGTH = 80  # one keyword or phrase, not a description
SUBJECTS_MAX_LENGTH = 500  # ``Item.subjects``, all of them with their separators
SUBJECT_SEPARATORS = re.compile(r"[,;]")  # archivists type either
MAX_COUNT = 100_000  # reels or items on one line: more is a typing slip (and past the column's range)
MAX_DURATION_MINUTES = 100_000


@dataclass(frozen=True)
class ItemDraft:
    title: str
    format: str
    count: int | None
    author: str = ""
    year_from: int | None = None
    year_to: int | None = None
    place: str = ""
    territory_id: int | None = None
    duration_minutes: int | None = None
    sound: str = Sound.UNKNOWN
    declared_condition: str = ""
    subjects: str | Sequence[str] = ""  # "fête de village, vendanges", or the same as a list


def clean_items(items: Sequence[ItemDraft]) -> list[dict]:
    if not items:
        raise ActionRefused(_("List at least one item: a reel, a box of photographs…"), field="items")
    if len(items) > MAX_ITEMS:
        raise ActionRefused(_("At most %(max)s items per offer.") % {"max": MAX_ITEMS}, field="items")
    # Every line's problem at once: a long list is not corrected one refusal at a time.
    cleaned, problems = [], []
    for line, item in enumerate(items, start=1):
        try:
            cleaned.append(_clean(line, item))
        except ActionRefused as refusal:
            problems.append(refusal.message)
    if problems:
        raise ActionRefused(" ".join(problems), field="items")
    return cleaned


def _refuse(line: int, message: str):
    raise ActionRefused(_("Item %(line)s: %(problem)s") % {"line": line, "problem": message}, field="items")


def _clean(line: int, item: ItemDraft) -> dict:
    texts = {name: str(getattr(item, name) or "").strip() for name in TEXT_LIMITS}
    if not texts["title"]:
        _refuse(line, _("give its title or subject."))
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            _refuse(line, _("a text is at most %(max)s characters long.") % {"max": limit})
    if item.format not in Format.values:
        _refuse(line, _("choose its format."))
    if not isinstance(item.count, int) or not 1 <= item.count <= MAX_COUNT:
        _refuse(line, _("the number of reels or items is a whole number from 1 to %(max)s.") % {"max": MAX_COUNT})
    if item.sound not in Sound.values:
        _refuse(line, _("say whether it has sound."))
    this_year = timezone.localdate().year
    for year in (item.year_from, item.year_to):
        if year is not None and not (EARLIEST_YEAR <= year <= this_year):
            _refuse(line, _("a year is between %(first)s and %(last)s.") % {"first": EARLIEST_YEAR, "last": this_year})
    if item.year_to is not None and (item.year_from is None or item.year_to < item.year_from):
        _refuse(line, _("the period ends after it starts."))
    duration = item.duration_minutes
    if duration is not None and not (isinstance(duration, int) and 0 < duration <= MAX_DURATION_MINUTES):
        _refuse(line, _("the duration is a number of minutes, at most %(max)s.") % {"max": MAX_DURATION_MINUTES})
    subjects, problem = _subjects(item.subjects)
    if problem:
        _refuse(line, problem)
    return {
        **texts,
        "format": item.format,
        "count": item.count,
        "year_from": item.year_from,
        "year_to": item.year_to,
        "territory_id": item.territory_id,
        "duration_minutes": item.duration_minutes,
        "sound": item.sound,
        "subjects": subjects,
    }


def clean_subjects(subjects: str | Sequence[str]) -> str:
    """Subjects as stored: typed comma- (or semicolon-) separated, or given as a list; each
    trimmed, its spaces collapsed, a repeat dropped whatever its case, in the order typed."""
    cleaned, problem = _subjects(subjects)
    if problem:
        raise ActionRefused(_("Subjects: %(problem)s") % {"problem": problem}, field="subjects")
    return cleaned


def _subjects(subjects: str | Sequence[str]) -> tuple[str, str]:
    """(the subjects as stored, the problem with them as a phrase, or "")."""
    typed = [subjects] if isinstance(subjects, str) else [str(subject) for subject in subjects or ()]
    kept: list[str] = []
    seen: set[str] = set()
    for part in (part for text in typed for part in SUBJECT_SEPARATORS.split(text)):
        subject = " ".join(part.split())
        if not subject or subject.casefold() in seen:
            continue
        if len(subject) > SUBJECT_MAX_LENGTH:
            problem = _("a subject is at most %(max)s characters long; separate subjects with commas.")
            return "", problem % {"max": SUBJECT_MAX_LENGTH}
        seen.add(subject.casefold())
        kept.append(subject)
    stored = ", ".join(kept)
    if len(stored) > SUBJECTS_MAX_LENGTH:
        problem = _("the subjects take at most %(max)s characters together; keep the main ones.")
        return "", problem % {"max": SUBJECTS_MAX_LENGTH}
    return stored, ""


# A call number typed by hand keeps a numbering the material already had (a former inventory).
TYPED_CALL_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9./-]{0,29}")


def clean_typed_call_numbers(typed: dict[int, str]) -> dict[int, str]:
    """Item id → call number typed at intake, upper-cased; refused whole if one is malformed,
    typed twice, or in the archive's own series (which the yearly sequence will give)."""
    cleaned = {item_id: number.strip().upper() for item_id, number in typed.items() if number.strip()}
    for number in cleaned.values():
        if not TYPED_CALL_NUMBER.fullmatch(number):
            raise ActionRefused(
                _("“%(number)s” is not a call number: letters, digits, dots, hyphens and slashes, 30 at most.")
                % {"number": number},
                field="call_numbers",
            )
        if number.startswith(f"{CALL_NUMBER_PREFIX}-"):
            raise ActionRefused(
                _("Call numbers starting with %(prefix)s- are given by the archive: leave the field empty.")
                % {"prefix": CALL_NUMBER_PREFIX},
                field="call_numbers",
            )
    repeated = sorted({number for number in cleaned.values() if list(cleaned.values()).count(number) > 1})
    if repeated:
        raise ActionRefused(
            _("The call number %(number)s is typed for two items.") % {"number": repeated[0]}, field="call_numbers"
        )
    return cleaned


def refuse_taken_call_numbers(typed: dict[int, str], retained: list[Item]) -> None:
    """In the intake's transaction: a typed number another item already bears is refused."""
    taken = Item.objects.filter(call_number__in=typed.values()).exclude(pk__in=[item.pk for item in retained]).first()
    if taken is not None:
        raise ActionRefused(
            _("The call number %(number)s is already given to “%(title)s”.")
            % {"number": taken.call_number, "title": taken.title},
            field="call_numbers",
        )


def unplaced_item_message(item: Item) -> str:
    """What the intake says of a retained item given no storage location: its number in the list
    and its title, so the archivist finds the line."""
    return _("Item %(position)s, “%(title)s”, has no storage location: say where it is kept.") % {
        "position": item.position,
        "title": item.title,
    }


def refuse_unplaced(retained: list[Item]) -> None:
    """Every retained item enters the stores somewhere: the intake is refused whole, naming the
    items without a place (a catalogue nobody can find on the shelves is no catalogue)."""
    unplaced = [item for item in retained if not (item.location or "").strip()]
    if len(unplaced) == 1:
        raise ActionRefused(unplaced_item_message(unplaced[0]), field="placements")
    if unplaced:
        names = ", ".join(
            _("%(position)s. “%(title)s”") % {"position": item.position, "title": item.title} for item in unplaced
        )
        raise ActionRefused(
            ngettext(
                "%(count)s retained item has no storage location: %(items)s. Say where each is kept.",
                "%(count)s retained items have no storage location: %(items)s. Say where each is kept.",
                len(unplaced),
            )
            % {"count": len(unplaced), "items": names},
            field="placements",
        )
