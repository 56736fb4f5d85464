"""What the document pages share: a folder's address, its page, a form page, upload limits."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from documents import policies, selectors
from documents.filetypes import accepted_extensions
from documents.forms import NameForm, UploadForm
from documents.models import Folder
from documents.uploads import max_upload_bytes

DOCUMENTS_PER_PAGE = 100


def folder_url(folder: Folder) -> str:
    return reverse("documents:folder", args=[folder.pk])


def upload_limits() -> dict:
    return {"max_upload": max_upload_bytes(), "accepted": ", ".join(f".{ext}" for ext in accepted_extensions())}


def render_folder(request, folder: Folder, *, upload_form=None, folder_form=None, status: int = 200):
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
            **upload_limits(),
        },
        status=status,
    )


def render_form(request, item, form, *, title: str, submit: str, folder: Folder | None = None):
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
            "cancel_url": folder_url(item)
            if isinstance(item, Folder)
            else reverse("documents:document", args=[item.pk]),
        },
        status=400 if form.is_bound else 200,
    )
