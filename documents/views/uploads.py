"""Uploads of new documents and new versions, as a form or as a raw body, with their limits."""

from __future__ import annotations

from urllib.parse import unquote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from documents import actions, policies, selectors
from documents.forms import UploadForm
from documents.uploads import IncomingUploadHandler, receive_raw_upload
from documents.views.common import folder_url, render_folder
from intranet.exceptions import ActionRefused


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
        return render_folder(request, folder, upload_form=form, status=400)
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
    target = reverse("documents:document", args=[document.pk]) if document is not None else folder_url(folder)
    if errors:
        for message in errors:
            messages.error(request, message)
        if document is None and not stored:
            return render_folder(request, folder, upload_form=form, status=400)
    return redirect(target)
