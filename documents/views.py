"""Document pages: thin, every answer from the folder policy and selectors, every change an action."""

from __future__ import annotations

from urllib.parse import unquote

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from documents import actions, policies, selectors
from documents.filetypes import accepted_extensions
from documents.forms import DocumentForm, GrantForm, MoveForm, NameForm, UploadForm
from documents.models import AccessLevel, Folder, Space
from documents.serving import can_preview, version_response
from documents.uploads import IncomingUploadHandler, max_upload_bytes, receive_raw_upload
from intranet.exceptions import ActionRefused
from intranet.models import Profile, User
from intranet.policies import visible_contact

DOCUMENTS_PER_PAGE = 100
PEOPLE_PER_PAGE = 100
RECENT_PER_PAGE = 50
SUGGESTIONS_CACHE_SECONDS = 300


def _folder_url(folder: Folder) -> str:
    return reverse("documents:folder", args=[folder.pk])


# --- Spaces and folders --------------------------------------------------------------------


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
    return redirect(_folder_url(selectors.get_folder_for_user(request.user, selectors.root_folder(found).pk)))


def _upload_limits() -> dict:
    return {"max_upload": max_upload_bytes(), "accepted": ", ".join(f".{ext}" for ext in accepted_extensions())}


@require_GET
def folder_detail(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    return _render_folder(request, folder)


def _render_folder(request, folder: Folder, *, upload_form=None, folder_form=None, status: int = 200):
    documents = Paginator(selectors.documents_in(folder), DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/folder.html",
        {
            "folder": folder,
            "crumbs": selectors.breadcrumbs(request.user, folder),
            "subfolders": selectors.subfolders(request.user, folder),
            "documents": documents,
            "can_upload": policies.can_upload(request.user, folder),
            "can_manage": policies.can_manage_folder(request.user, folder),
            "can_open_trash": policies.can_open_trash(request.user, folder.space),
            "upload_form": upload_form or UploadForm(),
            "folder_form": folder_form or NameForm(),
            **_upload_limits(),
        },
        status=status,
    )


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
            return redirect(_folder_url(created))
    return _render_folder(request, parent, folder_form=form, status=400)


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
            return redirect(_folder_url(folder))
    return _render_form(request, folder, form, title=_("Rename the folder"), submit=_("Rename"))


def _render_form(request, item, form, *, title: str, submit: str, folder: Folder | None = None):
    folder = folder or (item if isinstance(item, Folder) else item.folder)
    return render(
        request,
        "documents/form.html",
        {
            "item": item,
            "folder": folder,
            "crumbs": selectors.breadcrumbs(request.user, folder),
            "form": form,
            "title": title,
            "submit": submit,
            "cancel_url": _folder_url(item)
            if isinstance(item, Folder)
            else reverse("documents:document", args=[item.pk]),
        },
        status=400 if form.is_bound else 200,
    )


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
            return redirect(_folder_url(folder))
    return _render_form(request, folder, form, title=_("Move the folder"), submit=_("Move"))


def folder_delete(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    if not policies.can_manage_folder(request.user, folder) or folder.is_root:
        raise PermissionDenied
    if request.method == "POST":
        actions.trash_folder(request.user, folder=folder)
        messages.success(request, _("“%(name)s” is in the trash.") % {"name": folder.name})
        return redirect(_folder_url(folder.parent))
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


# --- Access -------------------------------------------------------------------------------


def folder_access(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    if not policies.can_see_effective_access(request.user, folder):
        raise PermissionDenied
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.grant_folder_access(
                request.user,
                folder=folder,
                level=form.cleaned_data["level"],
                user=form.cleaned_data["user"],
                group=form.cleaned_data["group_object"],
            )
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("Access granted."))
            return redirect("documents:folder_access", folder_id=folder.pk)
    return _render_access(request, folder, form)


def document_access(request, document_id: int):
    document = selectors.get_document_for_user(request.user, document_id)
    if not policies.can_see_effective_access(request.user, document.folder):
        raise PermissionDenied
    return _render_access(request, document.folder, GrantForm(), document=document)


def _render_access(request, folder: Folder, form: GrantForm, *, document=None):
    report = selectors.access_report(request.user, folder)
    people = Paginator(report.people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    profiles = {
        profile.user_id: profile
        for profile in Profile.objects.select_related("user").filter(user_id__in=[entry.person.pk for entry in people])
    }
    said: dict[tuple, str] = {}  # hundreds of people share a handful of reasons: each is worded once
    # Each person with the e-mail the viewer may see and why they have access, in words.
    rows = [
        (entry, _contact(request.user, profiles.get(entry.person.pk)), [_reason_text(r, said) for r in entry.reasons])
        for entry in people
    ]
    return render(
        request,
        "documents/access.html",
        {
            "folder": folder,
            "document": document,
            "crumbs": selectors.breadcrumbs(request.user, folder),
            "report": report,
            "people": people,
            "rows": rows,
            "form": form,
            "suggestions": _people_suggestions(),
            "levels": AccessLevel,
        },
        status=400 if form.is_bound else 200,
    )


def _contact(viewer, profile: Profile | None) -> str:
    return visible_contact(viewer, profile).get("email", "") if profile is not None else ""


def _reason_text(reason: selectors.ReasonShown, said: dict) -> str:
    """Why someone can see the folder, in a sentence ("view and upload: through the group …")."""
    key = (
        reason.level,
        reason.staff,
        reason.group.pk if reason.group else None,
        reason.folder.pk if reason.folder else None,
        reason.here,
    )
    if key in said:
        return said[key]
    if reason.staff:
        why = _("staff manage every space")
    else:
        how = (
            _("through the group %(group)s") % {"group": reason.group.label}
            if reason.group is not None
            else _("granted to the person")
        )
        if reason.here:
            where = _("on this folder")
        elif reason.folder is not None:
            where = _("inherited from “%(name)s”") % {"name": reason.folder.display_name}
        else:
            where = _("inherited from a folder above that you may not open")
        why = f"{how}, {where}"
    said[key] = format_html("<strong>{}</strong>: {}", reason.level_label, why)
    return said[key]


def _people_suggestions() -> str:
    """Every active member as a datalist option ("Name (@handle)"): the browser filters them as
    one types, without a script. Kept a few minutes in the cache (a new or departed member
    changes the key at once; a renamed one shows on expiry): thousands of options cost more to
    build than the rest of the page."""
    people = User.objects.filter(is_active=True)
    shape = people.aggregate(count=Count("pk"), last=Max("pk"))
    key = f"documents:people-suggestions:{shape['count']}:{shape['last']}"
    options = cache.get(key)
    if options is None:
        rows = people.order_by("last_name", "first_name").values_list("first_name", "last_name", "handle")
        options = "".join(
            f'<option value="{escape(f"{first} {last} (@{handle})".strip())}"></option>' for first, last, handle in rows
        )
        cache.set(key, options, SUGGESTIONS_CACHE_SECONDS)
    return mark_safe(options)  # noqa: S308 - every value is escaped


@require_POST
def folder_revoke(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    if not policies.can_manage_folder(request.user, folder):
        raise PermissionDenied
    kind, principal_id = request.POST.get("kind"), request.POST.get("id", "")
    if kind not in {"user", "group"} or not principal_id.isdigit():
        raise Http404
    from django.contrib.auth.models import Group

    principal = get_object_or_404(User if kind == "user" else Group, pk=int(principal_id))
    try:
        actions.revoke_folder_access(
            request.user, folder=folder, **({"user": principal} if kind == "user" else {"group": principal})
        )
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Access revoked."))
    return redirect("documents:folder_access", folder_id=folder.pk)


# --- Uploads ------------------------------------------------------------------------------


@csrf_exempt  # checked by _receive_upload, once our upload handler is in place
@require_POST
def folder_upload(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    request.upload_handlers = [IncomingUploadHandler(request)]
    return _receive_upload(request, folder=folder, document=None)


@csrf_exempt  # checked by _receive_upload, once our upload handler is in place
@require_POST
def document_upload_version(request, document_id: int):
    document = selectors.get_document_for_user(request.user, document_id)
    request.upload_handlers = [IncomingUploadHandler(request)]
    return _receive_upload(request, folder=document.folder, document=document)


def _wants_json(request) -> bool:
    return not request.content_type.startswith("multipart/")


def _store(request, *, folder, document, incoming, description: str = "") -> str:
    """Store one received file; returns the message for the person."""
    if document is not None:
        version = actions.add_version(request.user, document=document, incoming=incoming)
        return _("Version %(number)s of “%(name)s” added.") % {"number": version.number, "name": document.name}
    stored, version, created = actions.upload_document(
        request.user, folder=folder, incoming=incoming, description=description
    )
    if created:
        return _("“%(name)s” uploaded.") % {"name": stored.name}
    return _("“%(name)s” already existed: version %(number)s added.") % {"name": stored.name, "number": version.number}


@csrf_protect
def _receive_upload(request, *, folder, document):
    allowed = (
        policies.can_change_document(request.user, document)
        if document is not None
        else policies.can_upload(request.user, folder)
    )
    if _wants_json(request):
        # One file per request, sent by the page's script: the answer is JSON.
        if not allowed:
            return JsonResponse({"ok": False, "message": _("You may not upload into this folder.")}, status=403)
        try:
            actions.check_upload_rate(request.user)  # before receiving a body it would refuse
            incoming = receive_raw_upload(request)
            description = unquote(request.headers.get("X-Document-Description", ""))[:5000]
            message = _store(request, folder=folder, document=document, incoming=incoming, description=description)
        except actions.UploadRateExceeded as refusal:
            response = JsonResponse({"ok": False, "message": refusal.message}, status=429)
            response["Retry-After"] = str(refusal.retry_after)
            return response
        except ActionRefused as refusal:
            return JsonResponse({"ok": False, "message": refusal.message}, status=400)
        except UnicodeDecodeError:
            return JsonResponse({"ok": False, "message": _("The file name could not be read.")}, status=400)
        return JsonResponse({"ok": True, "message": message}, status=201)

    handler = request.upload_handlers[0] if request.upload_handlers else None
    form = UploadForm(request.POST)
    files = request.FILES.getlist("files")
    if not allowed:
        raise PermissionDenied  # the received files are removed when Django closes them
    if not form.is_valid():
        # Nothing is stored, and the form comes back with what was typed.
        return _render_folder(request, folder, upload_form=form, status=400)
    errors = list(getattr(handler, "refused", []))
    stored = []
    for incoming in files:
        try:
            stored.append(
                _store(
                    request,
                    folder=folder,
                    document=document,
                    incoming=incoming,
                    description=form.cleaned_data["description"],
                )
            )
        except ActionRefused as refusal:
            errors.append(refusal.message)
    if not files and not errors:
        errors.append(_("Choose at least one file."))
    for message in stored:
        messages.success(request, message)
    target = reverse("documents:document", args=[document.pk]) if document is not None else _folder_url(folder)
    if errors:
        for message in errors:
            messages.error(request, message)
        if document is None and not stored:
            return _render_folder(request, folder, upload_form=form, status=400)
    return redirect(target)


# --- Documents ----------------------------------------------------------------------------


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
            **_upload_limits(),
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
    return _render_form(request, document, form, title=_("Edit the document"), submit=_("Save"))


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
    return _render_form(request, document, form, title=_("Move the document"), submit=_("Move"))


def document_delete(request, document_id: int):
    document = selectors.get_document_for_user(request.user, document_id)
    if not policies.can_manage_document(request.user, document):
        raise PermissionDenied
    if request.method == "POST":
        actions.trash_document(request.user, document=document)
        messages.success(request, _("“%(name)s” is in the trash.") % {"name": document.name})
        return redirect(_folder_url(document.folder))
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


def size_label(size: int) -> str:
    return filesizeformat(size)
