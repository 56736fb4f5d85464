"""An offer of archives recorded with its pre-deposit list, then triaged by staff (an archivist
assigned, or declined), or withdrawn before it is catalogued."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows.archives import files, notifications, policies
from workflows.archives.actions.common import ArchiveAction
from workflows.archives.flows import ArchiveFlow
from workflows.archives.items import ItemDraft, clean_items
from workflows.archives.models import CONTACT_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, Fonds, FondsStatus, Item
from workflows.archives.transitions import complete_step, locked, refuse_if_changed, reindex, save_fonds

TITLE_MAX_LENGTH = 200
# Offers of one member still waiting for the staff's triage: a family's films come in one or two
# offers; past this, staff answer the waiting ones first (and nobody floods their list).
MAX_OFFERS_WAITING = 5


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


def _offer_to_triage(actor: User, fonds: Fonds, revision: int | None) -> Fonds:
    """The offer, locked, if staff may still triage it as the page showed it."""
    fonds = locked(fonds)
    if not policies.can_triage(actor):
        raise PermissionDenied("Only staff triage offers.")
    refuse_if_changed(fonds, revision)
    if fonds.status != FondsStatus.OFFERED:
        raise ActionRefused(_("This offer has already been triaged: reload the page to see what changed."))
    return fonds


def assign_archivist(actor: User, *, fonds: Fonds, archivist: User, revision: int | None = None) -> Fonds:
    with transaction.atomic():
        fonds = _offer_to_triage(actor, fonds, revision)
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
        fonds = _offer_to_triage(actor, fonds, revision)
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
