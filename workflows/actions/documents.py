"""A proposal's documents: its folder, whose access follows the process, and attachments."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from documents import actions as document_actions
from documents import policies as document_policies
from documents.models import AccessLevel, Document, Folder
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows import policies
from workflows.actions.common import _locked_proposal
from workflows.audit_details import WorkflowAudit
from workflows.models import Proposal

PROPOSALS_FOLDER = "Propositions"


def _open_folder(proposal: Proposal, group, actor: User | None, reason: str) -> None:
    """The proposal's folder is seen by whoever sees the proposal: opened as it moves on."""
    if proposal.folder_id is not None:
        document_actions.set_process_access(
            proposal.folder, group, AccessLevel.VIEW, actor=actor, reason=reason, at_least=True
        )


def _author_may_upload(proposal: Proposal, may_upload: bool, actor: User, reason: str) -> None:
    """The author uploads only while the proposal is theirs to edit: what the collège and the
    board read is not changed under them."""
    if proposal.folder_id is not None:
        level = AccessLevel.UPLOAD if may_upload else AccessLevel.VIEW
        document_actions.set_process_access(proposal.folder, proposal.author, level, actor=actor, reason=reason)


def _folder_name(proposal: Proposal) -> str:
    # Only characters a folder name always accepts: a title may hold anything.
    title = "".join(ch if ch.isalnum() or ch in " -_'.,()&!?" else " " for ch in proposal.title)
    return " ".join(f"{proposal.pk} – {title}".split())[:120]


def proposal_folder(actor: User, *, proposal: Proposal) -> Folder:
    """The proposal's own folder, in "Propositions" of its collège's space, made on first use:
    its author uploads there with the usual upload rules, its collège's coordinators manage it,
    and it opens to the collège, the board and every member as the proposal does."""
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if not policies.can_attach_documents(actor, proposal):
            raise PermissionDenied("Only the author adds documents, while the proposal is theirs to edit.")
        if proposal.folder is not None and proposal.folder.deleted_at is None:
            return proposal.folder
        college = proposal.college
        root = Folder.objects.get(space__college=college, parent__isnull=True)
        parent = document_actions.create_process_folder(actor, parent=root, name=PROPOSALS_FOLDER, grants=None)
        grants = [(proposal.author, AccessLevel.UPLOAD), (college.coordinators_group, AccessLevel.MANAGE)]
        if proposal.submitted_at is not None:
            grants.append((college.members_group, AccessLevel.VIEW))
        proposal.folder = document_actions.create_process_folder(
            actor, parent=parent, name=_folder_name(proposal), grants=grants
        )
        proposal.save(update_fields=["folder"])
    document_policies.forget_grants(actor)
    return proposal.folder


def attach_document(actor: User, *, proposal: Proposal, document_id: int) -> Document:
    """Attach a document from the spaces; nobody gains access by it: each reader of the proposal
    sees the documents they may open."""
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if not policies.can_attach_documents(actor, proposal):
            raise PermissionDenied("Only the author adds documents, while the proposal is theirs to edit.")
        document = Document.objects.select_related("folder").filter(pk=document_id, deleted_at__isnull=True).first()
        if document is None or not document_policies.can_view_document(actor, document):
            raise ActionRefused(_("There is no document with this number that you may open."), field="document")
        proposal.documents.add(document)
        record(actor, WorkflowAudit.PROPOSAL_DOCUMENT_ATTACHED, proposal, document=document.pk, name=document.name)
    return document


def detach_document(actor: User, *, proposal: Proposal, document_id: int) -> None:
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if not policies.can_attach_documents(actor, proposal):
            raise PermissionDenied("Only the author removes documents, while the proposal is theirs to edit.")
        if proposal.documents.filter(pk=document_id).exists():
            proposal.documents.remove(document_id)
            record(actor, WorkflowAudit.PROPOSAL_DOCUMENT_DETACHED, proposal, document=document_id)
