"""A document's page, its edits, moves, deletion, downloads, previews and versions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents import actions, policies, selectors
from documents.forms import DocumentForm, MoveForm
from documents.serving import can_preview, version_response
from documents.views.common import folder_url, render_form, upload_limits
from intranet.exceptions import ActionRefused


@require_GET
def document_detail(request, document_id: int):
    document = selectors.get_document_for_user(request.user, document_id)
    versions = list(selectors.versions_of(document))
    return render(
        request,
        "documents/document.html",
        {
            "document": document,
            "folder": document.folder,
            "crumbs": [*selectors.breadcrumbs(request.user, document.folder), selectors.Crumb(document.folder, True)],
            "versions": versions,
            "preview": document.current_version and can_preview(document.current_version),
            "can_change": policies.can_change_document(request.user, document),
            "can_manage": policies.can_manage_document(request.user, document),
            "can_see_access": policies.can_see_effective_access(request.user, document.folder),
            **upload_limits(),
        },
    )


def document_edit(request, document_id: int):
    document = selectors.get_document_for_user(request.user, document_id)
    if not policies.can_change_document(request.user, document):
        raise PermissionDenied
    form = DocumentForm(
        request.POST or None,
        initial={"name": document.name, "description": document.description, "revision": document.revision},
    )
    if not policies.can_manage_document(request.user, document):
        form.fields["name"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_document(
                request.user,
                document=document,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                revision=form.cleaned_data["revision"] or 0,
            )
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            return redirect("documents:document", document_id=document.pk)
    return render_form(request, document, form, title=_("Edit the document"), submit=_("Save"))


def document_move(request, document_id: int):
    document = selectors.get_document_for_user(request.user, document_id)
    if not policies.can_manage_document(request.user, document):
        raise PermissionDenied
    form = MoveForm(
        request.POST or None,
        targets=selectors.move_targets(request.user, document),
        initial={"target": document.folder_id},
    )
    if request.method == "POST" and form.is_valid():
        target = selectors.get_folder_for_user(request.user, form.cleaned_data["target"])
        try:
            actions.move_document(request.user, document=document, target=target)
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("Document moved."))
            return redirect("documents:document", document_id=document.pk)
    return render_form(request, document, form, title=_("Move the document"), submit=_("Move"))


def document_delete(request, document_id: int):
    document = selectors.get_document_for_user(request.user, document_id)
    if not policies.can_manage_document(request.user, document):
        raise PermissionDenied
    if request.method == "POST":
        actions.trash_document(request.user, document=document)
        messages.success(request, _("“%(name)s” is in the trash.") % {"name": document.name})
        return redirect(folder_url(document.folder))
    return render(request, "documents/confirm_delete.html", {"item": document, "folder": document.folder})


@require_GET
def document_download(request, document_id: int):
    document = selectors.get_document_for_user(request.user, document_id)
    if document.current_version is None:
        raise Http404
    return version_response(request, document.current_version)


@require_GET
def version_download(request, version_id: int):
    return version_response(request, selectors.get_version_for_user(request.user, version_id))


@require_GET
def version_preview(request, version_id: int):
    version = selectors.get_version_for_user(request.user, version_id)
    if not can_preview(version):
        raise Http404
    return version_response(request, version, inline=True)


@require_POST
def version_restore(request, version_id: int):
    version = selectors.get_version_for_user(request.user, version_id)
    restored = actions.restore_version(request.user, version=version)
    messages.success(
        request,
        _("Version %(old)s is now the newest, as version %(new)s.") % {"old": version.number, "new": restored.number},
    )
    return redirect("documents:document", document_id=version.document_id)
