"""What every transition of a deposit does the same way: lock the fonds in one order, refuse a
stale copy, complete the flow's waiting step, bump the revision, reindex. Used by ``actions``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from intranet import search
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows.archives.models import ArchiveProcess, Fonds

WAITING = (STATUS.NEW, STATUS.ASSIGNED)


def locked(fonds: Fonds) -> Fonds:
    """The process row first, then the fonds: every transition locks in this order."""
    list(ArchiveProcess.objects.select_for_update().filter(fonds_id=fonds.pk).values("pk"))
    return Fonds.objects.select_for_update().get(pk=fonds.pk)


def refuse_if_changed(fonds: Fonds, revision: int | None) -> None:
    if revision is not None and fonds.revision != revision:
        raise ActionRefused(_("Someone else acted on this fonds in the meantime. Reload the page to see what changed."))


def complete_step(actor: User, fonds: Fonds, node) -> None:
    task = (
        Task.objects.filter(process__archiveprocess__fonds=fonds.pk, flow_task=node, status__in=WAITING)
        .select_related("owner")
        .first()
    )
    if task is None:
        raise ActionRefused(_("This step is no longer waiting: reload the page to see what changed."))
    activation = node.activation_class(task)
    if task.owner_id is None:
        if not node.can_assign(actor, task):
            raise PermissionDenied("This step is not offered to this person.")
        activation.assign(actor)
    elif task.owner_id != actor.pk:
        if not node.can_execute(actor, task):
            raise PermissionDenied("This step belongs to someone else.")
        activation.reassign(actor)  # staff acting for the archivist: the step is done by them
    activation.start(None)
    activation.execute()


def reindex(fonds: Fonds) -> None:
    """The fonds and its items change in the index with the transaction that changed them."""
    search.record_change("fonds", [fonds.pk])
    search.record_change("archive_item", fonds.items.values_list("pk", flat=True))


def save_fonds(fonds: Fonds, **changes) -> Fonds:
    for name, value in changes.items():
        setattr(fonds, name, value)
    fonds.revision += 1
    fonds.save()
    return fonds
