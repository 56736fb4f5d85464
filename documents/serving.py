"""Sending a stored version to the browser, as safely as a file we did not write can be sent.

Always: the type we recognised at upload (never the browser's guess: ``nosniff``), a
Content-Security-Policy that sandboxes whatever the file is, and a filename that keeps its
accents. Inline only for PDFs and raster images. With ``DOCUMENTS_SENDFILE`` set, the front
web server sends the bytes after this view has asked the policy.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from documents import storage
from documents.filetypes import FILE_TYPES, extension_of
from documents.models import DocumentVersion

SANDBOX_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def download_name(version: DocumentVersion) -> str:
    """The document's current name, with the extension of this version's file."""
    name = version.document.name
    extension = extension_of(version.original_name)
    if extension and extension_of(name) != extension:
        name = f"{name}.{extension}"
    return name


def can_preview(version: DocumentVersion) -> bool:
    file_type = FILE_TYPES.get(extension_of(version.original_name))
    return bool(file_type and file_type.preview)


# Read and sent in pieces this large (FileResponse's default of 4 KB costs a hop per 4 KB).
CHUNK_SIZE = 256 * 1024


def version_response(request, version: DocumentVersion, *, inline: bool = False) -> HttpResponse:
    inline = inline and can_preview(version)
    mode = settings.DOCUMENTS_SENDFILE
    if mode:
        response = HttpResponse(content_type=version.content_type)
        location = f"{settings.DOCUMENTS_SENDFILE_PREFIX.rstrip('/')}/{version.stored_name}"
        if mode == "x-accel-redirect":
            response["X-Accel-Redirect"] = location
        else:
            response["X-Sendfile"] = str(storage.path_of(version.stored_name))
    else:
        response = FileResponse(storage.path_of(version.stored_name).open("rb"), content_type=version.content_type)
        response.block_size = CHUNK_SIZE
        response["Content-Length"] = str(version.size)
    response["Content-Disposition"] = content_disposition_header(not inline, download_name(version))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
