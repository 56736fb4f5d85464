"""Reads of the archive: the catalogue as a reader may browse it, and a fonds as its page, its
inventory and its printout show it, built once here for each reader."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from documents import policies as document_policies
from documents.models import Document, Folder
from forums import selectors as forum_selectors
from forums.models import Thread
from intranet.audit import action_label
from intranet.models import AuditEntry, CollegeMembership, CollegeRole, Territory
from workflows.archives import policies
from workflows.archives.models import AGREEMENT_RECORDED_AS, QUEUED_STATES, Damage, Fonds, FondsStatus, Item, Use


def visible_fonds(user) -> QuerySet[Fonds]:
    return Fonds.objects.filter(policies.visible_fonds_q(user))


def get_fonds_for_user(user, fonds_id: int) -> Fonds:
    """The fonds if ``user`` may open it; a 404 for a missing one and a forbidden one alike."""
    fonds = visible_fonds(user).filter(pk=fonds_id).first()
    if fonds is None:
        raise Http404
    return fonds


@dataclass(frozen=True)
class CatalogueFilters:
    territory: int | None = None
    decade: int | None = None
    format: str = ""
    status: str = ""  # staff follow the offers in progress; members see the catalogue


def catalogue(user, filters: CatalogueFilters) -> QuerySet[Fonds]:
    """The fonds ``user`` may open, most recent first, with their retained items counted; the
    filters keep a fonds when one of its items matches (place, decade, format)."""
    fonds = visible_fonds(user)
    if filters.status:
        fonds = fonds.filter(status=filters.status)
    items = Q()
    if filters.territory:
        items &= Q(items__territory_id=filters.territory)
    if filters.decade:
        items &= Q(items__year_from__gte=filters.decade, items__year_from__lt=filters.decade + 10)
    if filters.format:
        items &= Q(items__format=filters.format)
    if items:
        fonds = fonds.filter(pk__in=Fonds.objects.filter(items).values("pk"))
    return fonds.annotate(item_count=Count("items", filter=~Q(items__retained=False))).order_by("-created_at", "-pk")


def decades(user) -> list[int]:
    years = Item.objects.filter(fonds__in=visible_fonds(user), year_from__isnull=False).values_list(
        "year_from", flat=True
    )
    return sorted({year - year % 10 for year in years})


def territories() -> QuerySet[Territory]:
    return Territory.objects.order_by("code")


@dataclass(frozen=True)
class ItemRow:
    id: int
    position: int
    call_number: str
    title: str
    author: str
    period: str
    place: str
    subjects: tuple[str, ...]
    format: str
    count: int
    duration_minutes: int | None
    sound: str
    declared_condition: str  # empty for readers not allowed to see it (``policies``)
    damages: tuple[str, ...]  # values of ``Damage``; empty unless the reader sees the appraisal
    condition_note: str
    regional_interest: str
    retained: bool | None
    location: str
    digitisation: str

    @property
    def damage_labels(self) -> list[str]:
        return [str(label) for value, label in Damage.choices if value in self.damages]  # in the list's order


@dataclass(frozen=True)
class Step:
    """A line of a fonds's history: when, what, by whom."""

    at: datetime
    label: str
    by: str


@dataclass(frozen=True)
class FondsView:
    """A fonds as one reader sees it: the depositor, the lines not retained, the declared
    condition and the history only for staff and the depositor; appraisal notes for staff and
    the archivist, and the collège Patrimoine's opinion for them and the collège's coordinators;
    storage places only for staff."""

    fonds: Fonds
    depositor: str
    items: list[ItemRow]
    shows_work: bool  # staff and the depositor follow the whole list and its appraisal
    may_open_files: bool
    may_withdraw: bool
    history: list[Step]
    shows_declared_condition: bool = False
    shows_appraisal: bool = False
    shows_storage: bool = False
    agreement_is_signed: bool = False  # as the reader sees it: intake waits for the signed copy
    # The step the reader may take now, from the policy (the action asks again).
    may_triage: bool = False
    may_appraise: bool = False
    may_ask_opinion: bool = False
    may_give_opinion: bool = False
    may_prepare_agreement: bool = False
    may_take_in: bool = False
    may_write_agreement: bool = False
    # Its files in the archive's space, and the signed agreement: None where the reader may not open them.
    files_folder: Folder | None = None
    signed_agreement: Document | None = None
    # The collège Patrimoine's opinion: whether the reader is told it was asked (those who follow
    # the fonds's work, and those who see the opinion); its text and its thread only for those
    # who see it (``policies.can_see_opinion``), the thread if they may also read its forum.
    opinion_asked: bool = False
    opinion_given: bool = False
    shows_opinion: bool = False
    opinion: str = ""
    opinion_thread_id: int | None = None

    @property
    def uses(self) -> list[str]:
        labels = dict(Use.choices)
        return [str(labels[use]) for use in self.fonds.uses or [] if use in labels]


def _period(item: Item) -> str:
    if item.year_from and item.year_to and item.year_to != item.year_from:
        return f"{item.year_from}–{item.year_to}"
    return str(item.year_from or "")


def _files_folder_for(user, fonds: Fonds) -> Folder | None:
    folder = fonds.folder
    if folder is None or not document_policies.can_view_folder(user, folder):
        return None
    return folder


def _signed_agreement_for(user, fonds: Fonds) -> Document | None:
    """Kept between staff and the depositor (``workflows.archives.files``)."""
    document = fonds.agreement_signed
    if document is None or document.deleted_at is not None:
        return None
    return document if document_policies.can_view_document(user, document) else None


def _opinion_thread_for(user, fonds: Fonds, *, shows_opinion: bool) -> int | None:
    """The thread where the collège discusses the fonds, for a reader who sees the opinion and
    may open the thread (the forums' selector decides): no dead link."""
    if fonds.opinion_thread_id is None or not shows_opinion:
        return None
    readable = Thread.objects.filter(pk=fonds.opinion_thread_id, forum__in=forum_selectors.readable_forum_ids(user))
    return fonds.opinion_thread_id if readable.exists() else None


def _history_label(entry: AuditEntry) -> str:
    """The line of the history; a recorded agreement says which one: deposit or gift."""
    transfer = entry.details.get("transfer") if isinstance(entry.details, dict) else None
    if transfer in AGREEMENT_RECORDED_AS:
        return str(AGREEMENT_RECORDED_AS[transfer])
    return action_label(entry.action)


def fonds_view(user, fonds: Fonds) -> FondsView:
    shows_work = policies.can_triage(user) or policies.can_see_depositor(user, fonds)
    declared = policies.can_see_declared_condition(user, fonds)
    appraisal = policies.can_see_appraisal(user, fonds)
    storage = policies.can_see_storage(user)
    signed = _signed_agreement_for(user, fonds)
    shows_opinion = policies.can_see_opinion(user, fonds)
    opinion_asked = (fonds.opinion_thread_id is not None or bool(fonds.opinion)) and (shows_work or shows_opinion)
    items = fonds.items.select_related("territory").order_by("position")
    if not shows_work:
        items = items.exclude(retained=False)
    rows = [
        ItemRow(
            id=item.pk,
            position=item.position,
            call_number=item.call_number or "",
            title=item.title,
            author=item.author,
            period=_period(item),
            place=", ".join(filter(None, [item.place, item.territory.name if item.territory else ""])),
            subjects=tuple(item.subject_list),
            format=item.get_format_display(),
            count=item.count,
            duration_minutes=item.duration_minutes,
            sound=item.get_sound_display(),
            declared_condition=item.declared_condition if declared else "",
            damages=tuple(item.damages or ()) if appraisal else (),
            condition_note=item.condition_note if appraisal else "",
            regional_interest=item.regional_interest if appraisal else "",
            retained=item.retained if shows_work else None,
            location=item.location if storage else "",
            # Only what was retained is digitised.
            digitisation=item.get_digitisation_display()
            if fonds.status == FondsStatus.CATALOGUED and item.retained
            else "",
        )
        for item in items
    ]
    entries = AuditEntry.objects.filter(target_type="fonds", target_id=str(fonds.pk)).select_related("actor")
    history = [
        Step(at=entry.created_at, label=_history_label(entry), by=entry.actor.get_full_name() if entry.actor else "")
        for entry in (entries.order_by("created_at", "pk") if shows_work else [])
    ]
    return FondsView(
        fonds=fonds,
        depositor=fonds.depositor_name if policies.can_see_depositor(user, fonds) else "",
        items=rows,
        shows_work=shows_work,
        may_open_files=policies.can_open_files(user, fonds),
        may_withdraw=policies.can_withdraw(user, fonds),
        history=history,
        shows_declared_condition=declared,
        shows_appraisal=appraisal,
        shows_storage=storage,
        agreement_is_signed=signed is not None,
        may_triage=fonds.status == FondsStatus.OFFERED and policies.can_triage(user),
        may_appraise=policies.can_appraise(user, fonds) and not policies.opinion_pending(fonds),
        may_ask_opinion=policies.can_appraise(user, fonds) and fonds.opinion_thread_id is None,
        may_give_opinion=policies.can_give_opinion(user, fonds),
        may_prepare_agreement=policies.can_prepare_agreement(user, fonds),
        may_take_in=policies.can_take_in(user, fonds),
        may_write_agreement=policies.can_write_agreement(user, fonds) and fonds.status != FondsStatus.IN_AGREEMENT,
        files_folder=_files_folder_for(user, fonds),
        signed_agreement=signed,
        opinion_asked=opinion_asked,
        opinion_given=opinion_asked and bool(fonds.opinion),
        shows_opinion=shows_opinion,
        opinion=fonds.opinion if shows_opinion else "",
        opinion_thread_id=_opinion_thread_for(user, fonds, shows_opinion=shows_opinion),
    )


@dataclass(frozen=True)
class DigitisationQueueFilters:
    state: str = ""  # one of ``QUEUED_STATES``; empty: both
    format: str = ""


def digitisation_queue(user, filters: DigitisationQueueFilters) -> QuerySet[Item]:
    """The retained items of catalogued fonds to digitise or in progress, the oldest intake first
    (and in the order of their call numbers): staff's work list, a 404 for anybody else."""
    if not policies.can_follow_digitisation_queue(user):
        raise Http404
    states = [filters.state] if filters.state in QUEUED_STATES else list(QUEUED_STATES)
    items = Item.objects.filter(retained=True, fonds__status=FondsStatus.CATALOGUED, digitisation__in=states)
    if filters.format:
        items = items.filter(format=filters.format)
    return items.select_related("fonds").order_by("fonds__catalogued_at", "fonds_id", "number", "pk")


def get_queued_item_for_user(user, item_id: int) -> Item:
    """A retained item, for staff to move along the queue from its page; a 404 for anybody else,
    as for the page. (The action still asks whether its fonds is catalogued.)"""
    if not policies.can_follow_digitisation_queue(user):
        raise Http404
    item = Item.objects.filter(pk=item_id, retained=True).select_related("fonds").first()
    if item is None:
        raise Http404
    return item


@dataclass(frozen=True)
class QueuedItem:
    """A line of the digitisation queue, as its page and the API show it."""

    id: int
    call_number: str
    title: str
    format: str  # a value of ``Format``
    format_label: str
    state: str  # a value of ``Digitisation``
    state_label: str
    fonds_id: int
    fonds_title: str
    fonds_call_number: str
    taken_in_at: datetime | None


def queued_items(items: Iterable[Item]) -> list[QueuedItem]:
    """The lines of one page of ``digitisation_queue`` (its fonds already read with it)."""
    return [
        QueuedItem(
            id=item.pk,
            call_number=item.call_number or "",
            title=item.title,
            format=item.format,
            format_label=item.get_format_display(),
            state=item.digitisation,
            state_label=item.get_digitisation_display(),
            fonds_id=item.fonds_id,
            fonds_title=item.fonds.title,
            fonds_call_number=item.fonds.call_number or "",
            taken_in_at=item.fonds.catalogued_at,
        )
        for item in items
    ]


@dataclass(frozen=True)
class WaitingFonds:
    """A fonds whose current step waits for the reader, for "My tasks"."""

    fonds: Fonds
    step: str


def _waiting_q(user) -> Q:
    """The fonds whose step is the reader's now: triage for staff; appraisal, agreement and
    intake for their archivist; the opinion for the collège Patrimoine's coordinators."""
    waiting = Q(pk__in=[])
    if policies.can_triage(user):
        waiting |= Q(status=FondsStatus.OFFERED)
    if policies.can_be_archivist(user):
        mine = Q(archivist=user)
        appraising = Q(status=FondsStatus.IN_APPRAISAL) & (Q(opinion_thread__isnull=True) | ~Q(opinion=""))
        waiting |= mine & (appraising | Q(status__in=[FondsStatus.IN_AGREEMENT, FondsStatus.IN_INTAKE]))
    # Asked in the same query (no query of its own on every page): the reader coordinates Patrimoine.
    heritage = CollegeMembership.objects.filter(
        user=user, college__slug=policies.HERITAGE_COLLEGE, college__is_active=True, role=CollegeRole.COORDINATOR
    )
    waiting |= Q(status=FondsStatus.IN_APPRAISAL, opinion_thread__isnull=False, opinion="") & Exists(heritage)
    return waiting


def waiting_count(user) -> int:
    """The archive's share of the "My tasks" count: one query on every page."""
    return Fonds.objects.filter(_waiting_q(user)).count() if policies.can_record_offer(user) else 0


def waiting_fonds(user) -> list[WaitingFonds]:
    if not policies.can_record_offer(user):
        return []
    steps = {
        FondsStatus.OFFERED: _("Triage"),
        FondsStatus.IN_APPRAISAL: _("Appraisal"),
        FondsStatus.IN_AGREEMENT: _("Rights and agreement"),
        FondsStatus.IN_INTAKE: _("Intake"),
    }
    waiting = Fonds.objects.filter(_waiting_q(user)).order_by("updated_at", "pk")
    return [
        WaitingFonds(
            fonds,
            str(_("Opinion of the collège Patrimoine"))
            if policies.opinion_pending(fonds)
            else str(steps[fonds.status]),
        )
        for fonds in waiting
    ]


def fonds_tasks(fonds: Fonds) -> list[Task]:
    """Every task of the fonds's process, oldest first: what its diagram marks."""
    return list(Task.objects.filter(process__archiveprocess__fonds=fonds.pk).order_by("created", "pk"))
