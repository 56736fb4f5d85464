"""Every change in archive deposits, from the offer to the catalogued fonds.

Each transition locks the fonds's process row, then the fonds, checks the policy and the step's
permission, changes the fonds, writes its audit row and completes the step, in one transaction.
Fonds numbers come from a per-year counter locked in the intake's transaction: unique and
without gaps, whatever happens at the same instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.models import Document
from forums import actions as forum_actions
from forums import policies as forum_policies
from forums.models import Forum, Thread
from intranet import search
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows.archives import files, notifications, policies
from workflows.archives.flows import ArchiveFlow
from workflows.archives.items import (
    ItemDraft,
    clean_items,
    clean_subjects,
    clean_typed_call_numbers,
    refuse_taken_call_numbers,
    refuse_unplaced,
)
from workflows.archives.models import (
    CALL_NUMBER_PREFIX,
    CONTACT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    Damage,
    Digitisation,
    Fonds,
    FondsCounter,
    FondsStatus,
    Item,
    Transfer,
    Use,
)
from workflows.archives.opinion import opening_post, opinion_post
from workflows.archives.transitions import complete_step, locked, refuse_if_changed, reindex, save_fonds

TITLE_MAX_LENGTH = 200
# Offers of one member still waiting for the staff's triage: a family's films come in one or two
# offers; past this, staff answer the waiting ones first (and nobody floods their list).
MAX_OFFERS_WAITING = 5
LOCATION_MAX_LENGTH = 100


class ArchiveAction:
    """Audit codes of the archive (their labels: ``workflows.archives.audit_details``)."""

    OFFER_RECORDED = "archive.offer_recorded"
    ARCHIVIST_ASSIGNED = "archive.archivist_assigned"
    OFFER_DECLINED = "archive.offer_declined"
    OFFER_WITHDRAWN = "archive.offer_withdrawn"
    ITEM_APPRAISED = "archive.item_appraised"
    OPINION_ASKED = "archive.opinion_asked"
    OPINION_GIVEN = "archive.opinion_given"
    APPRAISAL_FINISHED = "archive.appraisal_finished"
    AGREEMENT_RECORDED = "archive.agreement_recorded"
    FONDS_CATALOGUED = "archive.fonds_catalogued"
    DIGITISATION_CHANGED = "archive.digitisation_changed"


# --- Offer and triage ------------------------------------------------------------------------


def record_offer(
    actor: User,
    *,
    title: str,
    items: Sequence[ItemDraft],
    description: str = "",
    depositor: User | None = None,
    depositor_name: str = "",
    depositor_contact: str = "",
) -> Fonds:
    """An offer and its pre-deposit list: a member for themself (``depositor`` is the actor), or
    staff for someone outside (``depositor_name`` and ``depositor_contact``)."""
    if not policies.can_record_offer(actor):
        raise PermissionDenied("Cannot record an offer.")
    if depositor is not None and depositor.pk != actor.pk:
        raise PermissionDenied("A member offers their own archives.")
    if depositor is None and not policies.can_record_offer_for_others(actor):
        depositor = actor
    title = title.strip()
    if not title:
        raise ActionRefused(_("Give the offer a title, such as the family's or the company's name."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise ActionRefused(_("A title is at most %(max)s characters long.") % {"max": TITLE_MAX_LENGTH}, field="title")
    name = depositor.get_full_name() if depositor is not None else depositor_name.strip()
    if not name:
        raise ActionRefused(_("Say who deposits these archives."), field="depositor_name")
    for field, text, limit in (
        ("description", description, DESCRIPTION_MAX_LENGTH),
        ("depositor_contact", depositor_contact, CONTACT_MAX_LENGTH),
    ):
        if len(text.strip()) > limit:
            raise ActionRefused(_("This text is at most %(max)s characters long.") % {"max": limit}, field=field)
    cleaned = clean_items(items)  # every line checked before anything is written
    if depositor is not None and (
        Fonds.objects.filter(depositor=depositor, status=FondsStatus.OFFERED).count() >= MAX_OFFERS_WAITING
    ):
        raise ActionRefused(
            _(
                "You have %(count)s offers waiting for the staff's triage: they answer those first, "
                "then you can offer more."
            )
            % {"count": MAX_OFFERS_WAITING}
        )
    with transaction.atomic():
        fonds = Fonds.objects.create(
            title=title,
            description=description.strip(),
            depositor=depositor,
            depositor_name=name[:200],
            depositor_contact=depositor_contact.strip(),
            recorded_by=actor,
        )
        Item.objects.bulk_create(
            [Item(fonds=fonds, position=position, **fields) for position, fields in enumerate(cleaned, start=1)]
        )
        ArchiveFlow.start.run(fonds=fonds)
        record(actor, ArchiveAction.OFFER_RECORDED, fonds, items=len(cleaned))
        reindex(fonds)
        notifications.offered(actor, fonds)
    return fonds


def assign_archivist(actor: User, *, fonds: Fonds, archivist: User, revision: int | None = None) -> Fonds:
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_triage(actor):
            raise PermissionDenied("Only staff triage offers.")
        refuse_if_changed(fonds, revision)
        if fonds.status != FondsStatus.OFFERED:
            raise ActionRefused(_("This offer has already been triaged: reload the page to see what changed."))
        if not policies.can_be_archivist(archivist):
            raise ActionRefused(_("Choose a member of staff as archivist."), field="archivist")
        save_fonds(fonds, archivist=archivist, status=FondsStatus.IN_APPRAISAL)
        files.ensure_folder(actor, fonds)  # condition photos from the appraisal on
        complete_step(actor, fonds, ArchiveFlow.triage)
        record(actor, ArchiveAction.ARCHIVIST_ASSIGNED, fonds, archivist=archivist.email)
        notifications.assigned(actor, fonds)
        notifications.moved(actor, fonds)
    return fonds


def decline_offer(actor: User, *, fonds: Fonds, reason: str, revision: int | None = None) -> Fonds:
    reason = reason.strip()
    if not reason:
        raise ActionRefused(_("Say why the offer is declined: the depositor will read it."), field="reason")
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_triage(actor):
            raise PermissionDenied("Only staff triage offers.")
        refuse_if_changed(fonds, revision)
        if fonds.status != FondsStatus.OFFERED:
            raise ActionRefused(_("This offer has already been triaged: reload the page to see what changed."))
        save_fonds(fonds, status=FondsStatus.DECLINED, end_reason=reason)
        complete_step(actor, fonds, ArchiveFlow.triage)
        record(actor, ArchiveAction.OFFER_DECLINED, fonds)
        notifications.moved(actor, fonds)
    return fonds


def withdraw_offer(actor: User, *, fonds: Fonds, reason: str) -> Fonds:
    """The depositor takes their offer back, or staff record it when told; the archivist loses
    their task and hears why, as does a depositor who did not withdraw it themself."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused(_("Say why the offer is withdrawn: the archive keeps the reason."), field="reason")
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_view_fonds(actor, fonds):
            raise PermissionDenied("Cannot see this fonds.")
        if not policies.can_withdraw(actor, fonds):
            raise ActionRefused(_("A catalogued or closed fonds can no longer be withdrawn."))
        save_fonds(fonds, status=FondsStatus.WITHDRAWN, end_reason=reason)
        ArchiveFlow.instance.cancel(fonds.process)
        record(actor, ArchiveAction.OFFER_WITHDRAWN, fonds)
        notifications.withdrawn(actor, fonds)
        notifications.moved(actor, fonds)
    return fonds


# --- Appraisal -------------------------------------------------------------------------------


def appraise_item(
    actor: User,
    *,
    item: Item,
    retained: bool,
    damages: Sequence[str] = (),
    condition_note: str = "",
    regional_interest: str = "",
    subjects: str | Sequence[str] | None = None,
) -> Item:
    """The archivist's verdict on one item; its subjects completed on the way (``None`` keeps
    those of the pre-deposit list)."""
    unknown = set(damages) - set(Damage.values)
    if unknown:
        raise ActionRefused(_("Unknown kind of damage: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    cleaned_subjects = clean_subjects(subjects) if subjects is not None else None
    with transaction.atomic():
        fonds = locked(item.fonds)
        if not policies.can_appraise(actor, fonds):
            raise PermissionDenied("Cannot appraise this fonds now.")
        item = Item.objects.select_for_update().get(pk=item.pk, fonds=fonds)
        item.retained = retained
        item.damages = sorted(set(damages))
        item.condition_note = condition_note.strip()
        item.regional_interest = regional_interest.strip()
        if cleaned_subjects is not None:
            item.subjects = cleaned_subjects
        item.appraised_by, item.appraised_at = actor, timezone.now()
        item.save()
        save_fonds(fonds)
        record(actor, ArchiveAction.ITEM_APPRAISED, fonds, item=item.position, retained=retained)
        search.record_change("archive_item", [item.pk])
        search.record_change("fonds", [fonds.pk])  # its entry holds its items' subjects
    return item


def ask_opinion(actor: User, *, fonds: Fonds, question: str) -> Fonds:
    """The collège Patrimoine is asked: a thread opens in its forum, its coordinators get the task."""
    question = question.strip()
    if not question:
        raise ActionRefused(_("Write what the collège is asked about this fonds."), field="question")
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_appraise(actor, fonds):
            raise PermissionDenied("Cannot appraise this fonds now.")
        if fonds.opinion_thread_id is not None:
            raise ActionRefused(_("The collège Patrimoine has already been asked about this fonds."))
        forum = Forum.objects.get(college__slug=policies.HERITAGE_COLLEGE)
        title = (_("Archive offer: %(title)s") % {"title": fonds.title})[:200]
        # The collège discusses what it sees: the question, a link to the fonds and its list.
        thread = forum_actions.start_thread(actor, forum=forum, title=title, body=opening_post(fonds, question))
        save_fonds(fonds, opinion_thread=thread)
        complete_step(actor, fonds, ArchiveFlow.appraisal)  # the flow waits for the opinion
        record(actor, ArchiveAction.OPINION_ASKED, fonds)
        notifications.opinion_asked(actor, fonds)
    return fonds


def give_opinion(actor: User, *, fonds: Fonds, opinion: str, revision: int | None = None) -> Fonds:
    """Recorded on the fonds, and said in the collège's thread (unless moderators locked it)."""
    given = opinion.strip()
    if not given:
        raise ActionRefused(_("Write the collège's opinion."), field="opinion")
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_give_opinion(actor, fonds):
            raise PermissionDenied("Not asked of this person.")
        refuse_if_changed(fonds, revision)
        save_fonds(fonds, opinion=given, opinion_by=actor)
        thread = Thread.objects.select_related("forum__college").filter(pk=fonds.opinion_thread_id).first()
        if thread is not None and forum_policies.can_reply(actor, thread):
            forum_actions.reply(actor, thread=thread, body=opinion_post(given))
        complete_step(actor, fonds, ArchiveFlow.opinion)  # back to the archivist
        record(actor, ArchiveAction.OPINION_GIVEN, fonds)
        notifications.opinion_given(actor, fonds)
    return fonds


def finish_appraisal(actor: User, *, fonds: Fonds, reason: str = "", revision: int | None = None) -> Fonds:
    """Every item appraised: on to the agreement, or the end if none is retained (with a reason
    the depositor will read)."""
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_appraise(actor, fonds):
            raise PermissionDenied("Cannot appraise this fonds now.")
        refuse_if_changed(fonds, revision)
        if policies.opinion_pending(fonds):
            raise ActionRefused(_("The collège Patrimoine has not given its opinion yet."))
        outcomes = list(fonds.items.values_list("retained", flat=True))
        if None in outcomes:
            raise ActionRefused(_("Appraise every item first: %(count)s left.") % {"count": outcomes.count(None)})
        if True in outcomes:
            save_fonds(fonds, status=FondsStatus.IN_AGREEMENT)
        else:
            if not reason.strip():
                raise ActionRefused(_("No item is retained: say why, the depositor will read it."), field="reason")
            save_fonds(fonds, status=FondsStatus.NOT_RETAINED, end_reason=reason.strip())
        complete_step(actor, fonds, ArchiveFlow.appraisal)
        record(actor, ArchiveAction.APPRAISAL_FINISHED, fonds, retained=outcomes.count(True))
        notifications.moved(actor, fonds)
    return fonds


# --- Agreement and intake --------------------------------------------------------------------


def record_agreement(
    actor: User, *, fonds: Fonds, transfer: str, uses: Sequence[str], revision: int | None = None
) -> Fonds:
    """Deposit or gift, and the uses allowed, as the signed agreement says."""
    if transfer not in Transfer.values:
        raise ActionRefused(_("Choose deposit or gift."), field="transfer")
    unknown = set(uses) - set(Use.values)
    if unknown:
        raise ActionRefused(_("Unknown use: %(names)s.") % {"names": ", ".join(sorted(unknown))}, field="uses")
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_prepare_agreement(actor, fonds):
            raise PermissionDenied("Cannot prepare this agreement now.")
        refuse_if_changed(fonds, revision)
        ordered = [use for use in Use.values if use in set(uses)]
        save_fonds(fonds, transfer=transfer, uses=ordered, status=FondsStatus.IN_INTAKE)
        complete_step(actor, fonds, ArchiveFlow.agreement)
        record(actor, ArchiveAction.AGREEMENT_RECORDED, fonds, transfer=transfer, uses=ordered)
        notifications.moved(actor, fonds)
    return fonds


@dataclass(frozen=True)
class Placement:
    item_id: int
    location: str
    call_number: str = ""  # typed by hand (a former numbering); else the archive's series


def take_in(actor: User, *, fonds: Fonds, placements: Sequence[Placement] = (), revision: int | None = None) -> Fonds:
    """The retained items get their call numbers, in the order of the list, and their places;
    the fonds the next number of the year. One transaction: no number is ever skipped."""
    locations = {placement.item_id: placement.location.strip() for placement in placements}
    typed = clean_typed_call_numbers({placement.item_id: placement.call_number for placement in placements})
    if any(len(location) > LOCATION_MAX_LENGTH for location in locations.values()):
        raise ActionRefused(_("A storage location is at most %(max)s characters long.") % {"max": LOCATION_MAX_LENGTH})
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_take_in(actor, fonds):
            raise PermissionDenied("Cannot take this fonds in now.")
        refuse_if_changed(fonds, revision)
        if not Document.objects.filter(pk=fonds.agreement_signed_id, deleted_at__isnull=True).exists():
            raise ActionRefused(_("The signed agreement is not kept with the fonds yet: add it before the intake."))
        retained = list(Item.objects.select_for_update().filter(fonds=fonds, retained=True).order_by("position"))
        for item in retained:
            item.location = locations.get(item.pk, item.location).strip()
        refuse_unplaced(retained)
        now = timezone.now()
        year = timezone.localdate(now).year
        counter, _created = FondsCounter.objects.get_or_create(year=year)
        counter = FondsCounter.objects.select_for_update().get(pk=counter.pk)
        sequence = counter.last + 1
        if sequence > 999:
            raise ActionRefused(_("The call numbers of the year are exhausted (999 fonds): ask the technical team."))
        fonds_number = f"{CALL_NUMBER_PREFIX}-{year}-{sequence:03d}"
        for number, item in enumerate(retained, start=1):
            item.number = number
            item.call_number = typed.get(item.pk) or f"{fonds_number}-{number:03d}"
        refuse_taken_call_numbers(typed, retained)
        try:
            with transaction.atomic():
                Item.objects.bulk_update(retained, ["number", "call_number", "location"])
                save_fonds(
                    fonds,
                    year=year,
                    sequence=sequence,
                    call_number=fonds_number,
                    status=FondsStatus.CATALOGUED,
                    catalogued_at=now,
                )
        except IntegrityError as error:
            taken = ", ".join([fonds_number, *typed.values()])
            raise ActionRefused(_("The call number %(number)s is already taken.") % {"number": taken}) from error
        FondsCounter.objects.filter(pk=year).update(last=sequence)
        files.open_to_members_if_allowed(actor, fonds)
        complete_step(actor, fonds, ArchiveFlow.intake)
        record(actor, ArchiveAction.FONDS_CATALOGUED, fonds, number=fonds_number, items=len(retained))
        reindex(fonds)
        notifications.moved(actor, fonds)
    return fonds


def set_digitisation(actor: User, *, item: Item, state: str) -> Item:
    """An item moves through the digitisation queue: to digitise, in progress, digitised, restored."""
    if state not in Digitisation.values:
        raise ActionRefused(_("Unknown digitisation state."), field="digitisation")
    with transaction.atomic():
        fonds = locked(item.fonds)
        if not policies.can_follow_digitisation(actor, fonds):
            raise PermissionDenied("Only staff follow the digitisation of a catalogued fonds.")
        item = Item.objects.select_for_update().get(pk=item.pk, fonds=fonds, retained=True)
        if item.digitisation != state:
            before, item.digitisation = item.digitisation, state
            item.save(update_fields=["digitisation"])
            record(actor, ArchiveAction.DIGITISATION_CHANGED, fonds, item=item.call_number, was=before, now=state)
    return item
