"""The member's home: what waits for the person, and what happened in their collèges since a moment.

Each app declares its part in ``plugins.register`` (``home_waiting``, ``home_activity``): a
function of the reader (and the moment) that answers, in a query or two, with only what the
reader may open now. The core gathers them, orders and groups them, for the page and the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from intranet import counters, policies
from intranet.links import address_maker
from intranet.models import HomeVisit

# A visit after a pause longer than this starts a new "since my last visit".
NEW_VISIT_AFTER = timedelta(hours=3)
# What a first visit looks back on.
FIRST_VISIT_LOOKS_BACK = timedelta(days=7)
# The person may look further back than their last visit.
CHOICES = {"visit": None, "7": timedelta(days=7), "30": timedelta(days=30)}
# Lines shown per kind and place; an app's source asks for no more than LINES_PER_SOURCE.
LINES_PER_KIND = 8
LINES_PER_SOURCE = 40


@dataclass(frozen=True)
class Place:
    """Where something happened: a collège, or the association as a whole (slug "")."""

    slug: str
    name: str
    url: str = ""


ASSOCIATION = Place("", _("The association"))


@dataclass(frozen=True)
class Waiting:
    """Something the person has to do: a review, a ballot, a convocation, an unread mention."""

    kind: str  # task, vote, meeting, archive, mention
    title: str
    url: str
    action: str | Promise  # what is asked: "Review by the collège", "Cast your vote"
    due: datetime | None = None  # a deadline, when there is one
    since: datetime | None = None


@dataclass(frozen=True)
class Happening:
    """One line of "since my last visit"."""

    kind: str  # thread, replies, document, version, proposal, decision
    kind_label: str | Promise  # the heading of its kind: "New threads"
    title: str
    url: str
    at: datetime
    place: Place = ASSOCIATION
    actor: str = ""
    detail: str | Promise = ""  # "forwarded to the board", "version 3"
    count: int = 0  # new replies in a followed thread
    key: str = ""  # what the page's live frames name it by ("thread-12"), when they can
    number: int = 0  # the last message number a line's count includes: a frame seen twice counts once


WaitingSource = Callable[[object], list[Waiting]]
ActivitySource = Callable[[object, datetime], list[Happening]]
_waiting_sources: list[WaitingSource] = []
_activity_sources: list[ActivitySource] = []


def asked_when_counted(source: WaitingSource, count_name: str, part: str) -> WaitingSource:
    """``source``, asked only of a reader whose part ``part`` (the app's) of the navigation count
    ``count_name`` is not nought: nothing waits for most members, and the parts are read for the
    page's navigation anyway."""

    def asked(user) -> list[Waiting]:
        return source(user) if counters.parts_for_page(user).get((count_name, part)) else []

    return asked


def add_sources(waiting: Iterable[WaitingSource] = (), activity: Iterable[ActivitySource] = ()) -> None:
    """Called by ``intranet.plugins.register``, in the order of the apps."""
    _waiting_sources.extend(waiting)
    _activity_sources.extend(activity)


@dataclass
class KindGroup:
    kind: str
    label: str | Promise
    lines: list[Happening]
    more: int = 0  # lines of this kind not shown


@dataclass
class PlaceGroup:
    place: Place
    kinds: list[KindGroup] = field(default_factory=list)
    latest: datetime | None = None


@dataclass
class Activity:
    since: datetime
    choice: str  # "visit", "7" or "30"
    waiting: list[Waiting]
    places: list[PlaceGroup]


def window(user, choice: str, *, now: datetime | None = None, visit: HomeVisit | None = None) -> datetime:
    """Where "since" starts for this choice: the last visit (as recorded), or 7 or 30 days back."""
    now = now or timezone.now()
    if CHOICES.get(choice) is not None:
        return now - CHOICES[choice]
    if visit is None:
        visit = HomeVisit.objects.filter(user=user).first()
    return visit.since if visit is not None else now - FIRST_VISIT_LOOKS_BACK


def waiting_for(user) -> list[Waiting]:
    """Everything waiting for the person: deadlines first (soonest first), then oldest first."""
    with policies.roles_read_once(user):  # one moment: the sources' questions answered once
        items = [item for source in _waiting_sources for item in source(user)]
    far = timezone.now() + timedelta(days=3650)
    return sorted(items, key=lambda item: (item.due is None, item.due or far, item.since or far))


def happened_since(user, since: datetime) -> list[PlaceGroup]:
    with policies.roles_read_once(user):  # one moment: the sources' questions answered once
        answers = [[line for line in source(user, since) if line.at >= since] for source in _activity_sources]
    return group(answers)


def activity_for(user, *, since: datetime, choice: str) -> Activity:
    return Activity(since=since, choice=choice, waiting=waiting_for(user), places=happened_since(user, since))


def group(answers: list[list[Happening]]) -> list[PlaceGroup]:
    """The sources' lines by place (the most recently active first), then by kind (in the order
    of the apps and of their sources), most recent first."""
    kind_order = {
        kind: index for index, kind in enumerate(dict.fromkeys(line.kind for lines in answers for line in lines))
    }
    places: dict[str, PlaceGroup] = {}
    for line in sorted((line for lines in answers for line in lines), key=lambda line: line.at, reverse=True):
        place = places.setdefault(line.place.slug, PlaceGroup(line.place, latest=line.at))
        kind = next((kind for kind in place.kinds if kind.kind == line.kind), None)
        if kind is None:
            kind = KindGroup(line.kind, line.kind_label, [])
            place.kinds.append(kind)
        if len(kind.lines) < LINES_PER_KIND:
            kind.lines.append(line)
        else:
            kind.more += 1
    for place in places.values():
        place.kinds.sort(key=lambda kind: kind_order[kind.kind])
    return list(places.values())


def place_of(college) -> Place:
    """A collège's place, or the association's for what belongs to no collège (the general forums,
    the board's space)."""
    return ASSOCIATION if college is None else place_named(college.slug, college.name)


def place_named(slug: str | None, name: str | None) -> Place:
    """``place_of`` for a row read as values: the collège's slug and name, or None."""
    return ASSOCIATION if slug is None else Place(slug, name, address_maker("college_detail")(slug))
