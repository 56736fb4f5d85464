"""A retained fonds taken in: the signed agreement recorded, then its items placed and numbered
(the fonds takes the year's next number, see ``take_in``), and followed through digitisation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.models import Document
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows.archives import files, notifications, policies
from workflows.archives.actions.common import ArchiveAction
from workflows.archives.flows import ArchiveFlow
from workflows.archives.items import clean_typed_call_numbers, refuse_taken_call_numbers, refuse_unplaced
from workflows.archives.models import (
    CALL_NUMBER_PREFIX,
    Digitisation,
    Fonds,
    FondsCounter,
    FondsStatus,
    Item,
    Transfer,
    Use,
)
from workflows.archives.transitions import complete_step, locked, refuse_if_changed, reindex, save_fonds

LOCATION_MAX_LENGTH = 100


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
