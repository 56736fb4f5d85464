"""How an app plugs into the core: the one call, ``plugins.register``, from its ``AppConfig.ready()``.

The core never imports an app (docs/architecture.md). Where it needs one — a collège was created,
a navigation counter, a search source, a notification target and the sentences of its events, a
live subscription kind, a panel on another app's page, a staff screen, built-in texts, audit
details — the app declares it here, and the core asks this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise

from intranet import activity, counters
from intranet.audit import AuditDetail, register_action_labels, register_detail, register_target
from intranet.builtins import register_builtin_texts
from intranet.jobs import Job, register_jobs
from intranet.models import College
from intranet.notifications import kinds, targets, wording
from intranet.search.sources import Source, add_source
from realtime import subscriptions
from realtime.subscriptions import SubscriptionKind

# The pages of one app that show another app's panels, by name; each name is documented with its page.
COLLEGE_PAGE = "college"  # intranet: a collège's page; its object is the collège
THREAD_PAGE = "thread"  # forums: a thread's page; its object is the thread
TASKS_PAGE = "tasks"  # workflows: "My tasks"; no object (None): each app lists what waits for the reader
REGISTER_PAGE = "register"  # workflows: the decision register; no object: links beside its introduction
DECISION_PAGE = "decision"  # workflows: a decision's page; its object is the decision: rows of its facts


@dataclass(frozen=True)
class Panel:
    """A card an app adds to another app's page: its template reads ``panel.context``."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    scripts: tuple[str, ...] = ()  # static paths of the ES modules it needs
    live_since: int | None = None  # the last live event it reflects, when it is live


PanelMaker = Callable[[Any, Any], Panel | None]  # (reader, the page's object) → a panel, or None
StaffScreen = tuple[str, Promise | str]  # (URL name, its label in the staff navigation)


@dataclass(frozen=True)
class PagePanels:
    """What the apps add to one page, for one reader, in the order the apps were installed."""

    panels: tuple[Panel, ...] = ()

    def __iter__(self):
        return iter(self.panels)

    def __bool__(self) -> bool:
        return bool(self.panels)

    @property
    def scripts(self) -> list[str]:
        return list(dict.fromkeys(script for panel in self.panels for script in panel.scripts))

    @property
    def live_since(self) -> int | None:
        """Where the page's socket starts: the oldest of its live panels, so that none misses an event."""
        moments = [panel.live_since for panel in self.panels if panel.live_since is not None]
        return min(moments) if moments else None


@dataclass
class _Registry:
    apps: list[str] = field(default_factory=list)
    college_created: list[Callable[[College], Any]] = field(default_factory=list)
    panels: dict[str, list[PanelMaker]] = field(default_factory=dict)
    panel_relations: dict[str, list[str]] = field(default_factory=dict)
    staff_screens: list[StaffScreen] = field(default_factory=list)


_registry = _Registry()


def register(
    app: str,
    *,
    builtin_texts: Mapping[str, Promise] | None = None,
    audit_actions: Mapping[str, Promise] | None = None,
    audit_details: Mapping[str, AuditDetail] | None = None,
    audit_targets: Mapping[str, Callable[[str], str | None]] | None = None,
    search_sources: Iterable[Source] = (),
    notification_targets: Mapping[str, targets.Describer] | None = None,
    notification_sentences: Mapping[str, Callable[[], str]] | None = None,
    notification_kinds: Iterable[kinds.NotificationKind] = (),
    navigation_counters: Mapping[str, counters.CountFunction] | None = None,
    navigation_counts_change_with: Mapping[str, Iterable[type[Model] | tuple[type[Model], Callable[[Any], bool]]]]
    | None = None,
    navigation_counts_change_for: Mapping[str, Mapping[type[Model], Callable[[Any], Iterable[int]]]] | None = None,
    on_college_created: Callable[[College], Any] | None = None,
    panels: Mapping[str, PanelMaker] | None = None,
    panel_relations: Mapping[str, Iterable[str]] | None = None,
    live_subscriptions: Mapping[str, SubscriptionKind] | None = None,
    jobs: Iterable[Job] = (),
    home_waiting: Iterable[activity.WaitingSource] = (),
    home_waiting_counted_in: str | None = None,
    home_activity: Iterable[activity.ActivitySource] = (),
    staff_screens: Iterable[StaffScreen] = (),
) -> None:
    """Everything ``app`` (its label) adds to the core, declared once in its ``ready()``.

    - ``builtin_texts``: ``{stored French text: gettext_lazy(English)}`` (``intranet.builtins``).
    - ``audit_actions``: ``{audit code: gettext_lazy(label)}`` of the changes it records.
    - ``audit_details``: how the audit log names its detail keys and values (``intranet.audit``).
    - ``audit_targets``: ``{target type: describe(stored label) -> text or None}``, for targets
      whose label reads differently by language (``intranet.audit.target_label``).
    - ``search_sources``: its kinds of search entry (``intranet.search.sources.Source``); the
      search page lists them by their ``position``.
    - ``notification_targets``: ``{target type: describer(user, ids) -> {id: Target}}``,
      answering only for what the person may open now.
    - ``notification_sentences``: ``{event: () -> translated sentence}``, with ``%(actor)s``
      and ``%(title)s``; ``notify`` refuses an event without one.
    - ``notification_kinds``: the kinds its notifications are sent as, each with its default
      delivery and grouping (``intranet.notifications.kinds``): the members choose a delivery
      per kind; ``notify`` refuses a kind nobody declared.
    - ``navigation_counters``: ``{name: count(user)}``; apps that count the same thing ("tasks":
      what waits for the reader) are added up, each app's part kept apart; a count that time changes answers
      ``counters.Counted(value, until)``. Kept per person (``intranet.counters``): recounted
      after a change to the models named in ``navigation_counts_change_with`` ``{name: [Model]}``
      (or ``(Model, concerns(row))``: only the rows that concern it)
      (for everyone), to those of ``navigation_counts_change_for`` ``{name: {Model: people(row)}}``
      (for the people the row names), or after the app says so with
      ``intranet.counters.stale_on_commit``.
    - ``on_college_created``: called with the new collège, inside the transaction that creates
      it, after the reactions of the apps installed before this one.
    - ``panels``: ``{page name: maker(user, object) -> Panel | None}`` for another app's page;
      ``panel_relations``: ``{page name: [relation]}``, the relations of the page's object its
      maker reads (a thread's ``proposal``), loaded by the page with the object, in its query.
    - ``live_subscriptions``: ``{name: SubscriptionKind}`` a page may subscribe to on its socket.
    - ``jobs``: its background jobs (``intranet.jobs.Job``), run by ``manage.py worker``.
    - ``home_waiting``: ``source(reader) -> [activity.Waiting]``, what waits for the reader;
      ``home_activity``: ``source(reader, since) -> [activity.Happening]``, what happened since
      a moment, only what the reader may open now (``intranet.activity``, the home page and
      ``/api/v1/me/activity/``). ``home_waiting_counted_in``: the navigation count its waiting
      sources list (``"tasks"``); they are not asked of a reader whose part of it (the app's own
      ``navigation_counters``) is nought.
    - ``staff_screens``: ``[(URL name, gettext_lazy(label))]``, its pages in the staff navigation
      (``intranet.templatetags.staff_nav``), after the core's own, in the order apps are installed.
    """
    if app in _registry.apps:
        raise RuntimeError(f"{app} is already plugged in: an app registers once, in its ready().")
    if home_waiting_counted_in is not None and home_waiting_counted_in not in (navigation_counters or {}):
        raise RuntimeError(f"{app} lists what its own {home_waiting_counted_in!r} count counts: register that count.")
    staff_screens = list(staff_screens)
    claimed = {url_name for url_name, _label in _registry.staff_screens}
    if taken := claimed & {url_name for url_name, _label in staff_screens}:
        raise RuntimeError(f"{app} lists staff screens another app lists already: {sorted(taken)}.")
    _registry.apps.append(app)
    _registry.staff_screens.extend(staff_screens)
    register_builtin_texts(builtin_texts or {})
    register_action_labels(audit_actions or {})
    for key, detail in (audit_details or {}).items():
        register_detail(key, detail)
    for target_type, describe in (audit_targets or {}).items():
        register_target(target_type, describe)
    for source in search_sources:
        add_source(source)
    for target_type, describer in (notification_targets or {}).items():
        targets.add_describer(target_type, describer)
    wording.add_sentences(notification_sentences or {})
    kinds.add_kinds(notification_kinds)
    changes_with, changes_for = navigation_counts_change_with or {}, navigation_counts_change_for or {}
    for name, count in (navigation_counters or {}).items():
        counters.add(name, app, count, changes_with=changes_with.get(name, ()), changes_for=changes_for.get(name))
    if on_college_created is not None:
        _registry.college_created.append(on_college_created)
    for page, maker in (panels or {}).items():
        _registry.panels.setdefault(page, []).append(maker)
    for page, relations in (panel_relations or {}).items():
        _registry.panel_relations.setdefault(page, []).extend(relations)
    for name, kind in (live_subscriptions or {}).items():
        subscriptions.register(name, kind)
    register_jobs(*jobs)
    if home_waiting_counted_in is not None:
        home_waiting = [activity.asked_when_counted(source, home_waiting_counted_in, app) for source in home_waiting]
    activity.add_sources(waiting=home_waiting, activity=home_activity)


def plugged_in_apps() -> list[str]:
    return list(_registry.apps)


def college_created(college: College) -> None:
    """Each app's reaction to a new collège (its forum, its document space), in the creating
    transaction, in the order the apps are installed."""
    for react in _registry.college_created:
        react(college)


def college_created_reactions() -> list[Callable[[College], Any]]:
    return list(_registry.college_created)


def registered_staff_screens() -> list[StaffScreen]:
    """The apps' staff screens, in the order the apps are installed."""
    return list(_registry.staff_screens)


def panel_makers(page: str) -> list[PanelMaker]:
    return list(_registry.panels.get(page, []))


def panel_relations(page: str) -> list[str]:
    """What the page loads with its object for the panels' makers (``select_related``)."""
    return list(_registry.panel_relations.get(page, []))


def panels_for(page: str, user, obj) -> PagePanels:
    made = (maker(user, obj) for maker in _registry.panels.get(page, []))
    return PagePanels(tuple(panel for panel in made if panel is not None))
