"""Spaces, folders and the trash: pages and the changes made from them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents import actions, policies, selectors
from documents.forms import MoveForm, NameForm
from documents.models import Space
from documents.views.common import folder_url, render_folder, render_form
from intranet.exceptions import ActionRefused

RECENT_PER_PAGE = 50


@require_GET
def index(request):
    return render(
        request,
        "documents/index.html",
        {
            "spaces": selectors.spaces_with_roots(request.user),
            "shared": selectors.shared_with_me(request.user),
        },
    )


@require_GET
def recent(request):
    number = request.GET.get("page", "1")
    number = min(int(number), 1000) if number.isdigit() and int(number) > 0 else 1
    documents, has_more = selectors.recent_documents_page(request.user, page=number, per_page=RECENT_PER_PAGE)
    return render(
        request,
        "documents/recent.html",
        {"documents": documents, "page_number": number, "has_more": has_more},
    )


@require_GET
def space(request, slug: str):
    found = Space.objects.filter(slug=slug).first()
    if found is None:
        raise Http404
    return redirect(folder_url(selectors.get_folder_for_user(request.user, selectors.root_folder(found).pk)))


@require_GET
def folder_detail(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    return render_folder(request, folder)


@require_POST
def folder_create(request, folder_id: int):
    parent = selectors.get_folder_for_user(request.user, folder_id)
    form = NameForm(request.POST)
    if form.is_valid():
        try:
            created = actions.create_folder(request.user, parent=parent, name=form.cleaned_data["name"])
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("Folder “%(name)s” created.") % {"name": created.name})
            return redirect(folder_url(created))
    return render_folder(request, parent, folder_form=form, status=400)


def folder_rename(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    if not policies.can_manage_folder(request.user, folder):
        raise PermissionDenied
    form = NameForm(request.POST or None, initial={"name": folder.name, "revision": folder.revision})
    if request.method == "POST" and form.is_valid():
        try:
            actions.rename_folder(
                request.user, folder=folder, name=form.cleaned_data["name"], revision=form.cleaned_data["revision"] or 0
            )
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            return redirect(folder_url(folder))
    return render_form(request, folder, form, title=_("Rename the folder"), submit=_("Rename"))


def folder_move(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    if not policies.can_manage_folder(request.user, folder) or folder.is_root:
        raise PermissionDenied
    form = MoveForm(
        request.POST or None, targets=selectors.move_targets(request.user, folder), initial={"target": folder.parent_id}
    )
    if request.method == "POST" and form.is_valid():
        target = selectors.get_folder_for_user(request.user, form.cleaned_data["target"])
        try:
            actions.move_folder(request.user, folder=folder, target=target)
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("Folder moved."))
            return redirect(folder_url(folder))
    return render_form(request, folder, form, title=_("Move the folder"), submit=_("Move"))


def folder_delete(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    if not policies.can_manage_folder(request.user, folder) or folder.is_root:
        raise PermissionDenied
    if request.method == "POST":
        actions.trash_folder(request.user, folder=folder)
        messages.success(request, _("“%(name)s” is in the trash.") % {"name": folder.name})
        return redirect(folder_url(folder.parent))
    return render(request, "documents/confirm_delete.html", {"item": folder, "folder": folder.parent})


@require_POST
def folder_restrict(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    restricted = request.POST.get("restricted") == "1"
    try:
        actions.set_folder_restricted(request.user, folder=folder, restricted=restricted)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("The folder no longer inherits access: its access is written on it, change it below.")
            if restricted
            else _("The folder inherits the access of the folders above again."),
        )
    return redirect("documents:folder_access", folder_id=folder.pk)


# --- Trash --------------------------------------------------------------------------------


@require_GET
def trash(request, slug: str):
    found = Space.objects.filter(slug=slug).first()
    if found is None or not selectors.visible_spaces(request.user).filter(pk=found.pk).exists():
        raise Http404
    if not policies.can_open_trash(request.user, found):
        raise PermissionDenied
    folders, documents = selectors.trash_of(request.user, found)
    return render(
        request,
        "documents/trash.html",
        {"space": found, "folders": folders, "documents": documents, "can_purge": policies.can_purge(request.user)},
    )


@require_POST
def trash_restore(request, kind: str, item_id: int):
    item = selectors.get_trashed_for_user(request.user, kind, item_id)
    try:
        if kind == "folder":
            actions.restore_folder(request.user, folder=item)
        else:
            actions.restore_document(request.user, document=item)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("“%(name)s” is back in its folder.") % {"name": item.name})
    space = item.space if kind == "folder" else item.folder.space
    return redirect("documents:trash", slug=space.slug)


@require_POST
def trash_purge(request, kind: str, item_id: int):
    item = selectors.get_trashed_for_user(request.user, kind, item_id)
    space = item.space if kind == "folder" else item.folder.space
    if kind == "folder":
        actions.purge_folder(request.user, folder=item)
    else:
        actions.purge_document(request.user, document=item)
    messages.success(request, _("“%(name)s” is deleted for good.") % {"name": item.name})
    return redirect("documents:trash", slug=space.slug)
