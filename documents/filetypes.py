"""Which files we accept, and whether a file's content matches the type its name declares.

A short table of signatures rather than libmagic: we accept few types, each with a known
opening, and office documents are checked by reading their zip directory.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from intranet.exceptions import ActionRefused


@dataclass(frozen=True)
class FileType:
    content_type: str
    check: str  # how the content is recognised, see ``_matches``
    preview: bool = False  # shown inline (PDFs and raster images only)


FILE_TYPES = {
    "pdf": FileType("application/pdf", "pdf", preview=True),
    "png": FileType("image/png", "png", preview=True),
    "jpg": FileType("image/jpeg", "jpeg", preview=True),
    "jpeg": FileType("image/jpeg", "jpeg", preview=True),
    "gif": FileType("image/gif", "gif", preview=True),
    "webp": FileType("image/webp", "webp", preview=True),
    "tif": FileType("image/tiff", "tiff"),
    "tiff": FileType("image/tiff", "tiff"),
    "txt": FileType("text/plain; charset=utf-8", "text"),
    "md": FileType("text/markdown; charset=utf-8", "text"),
    "csv": FileType("text/csv; charset=utf-8", "text"),
    "odt": FileType("application/vnd.oasis.opendocument.text", "odf"),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    "odp": FileType("application/vnd.oasis.opendocument.presentation", "odf"),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml"),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml"),
    "pptx": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml"),
    "doc": FileType("application/msword", "ole"),
    "xls": FileType("application/vnd.ms-excel", "ole"),
    "ppt": FileType("application/vnd.ms-powerpoint", "ole"),
    "rtf": FileType("application/rtf", "rtf"),
    "zip": FileType("application/zip", "zip"),
    "mp4": FileType("video/mp4", "isobmff"),
    "mov": FileType("video/quicktime", "isobmff"),
    "mp3": FileType("audio/mpeg", "mp3"),
    "wav": FileType("audio/wav", "wav"),
}

ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
HEAD_SIZE = 8192


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def accepted_extensions() -> list[str]:
    return sorted(FILE_TYPES)


def check_file_type(name: str, path: Path, head: bytes) -> FileType:
    """The type of an uploaded file, or ActionRefused when we do not accept it or it lies."""
    extension = extension_of(name)
    file_type = FILE_TYPES.get(extension)
    if file_type is None:
        raise ActionRefused(
            _("Files of this type (%(extension)s) are not accepted. Accepted: %(accepted)s.")
            % {
                "extension": f".{extension}" if extension else _("no extension"),
                "accepted": ", ".join(accepted_extensions()),
            },
            field="file",
        )
    if not _matches(file_type.check, extension, path, head):
        raise ActionRefused(
            _("The content of “%(name)s” is not a .%(extension)s file; it was not stored.")
            % {"name": name, "extension": extension},
            field="file",
        )
    return file_type


def _matches(check: str, extension: str, path: Path, head: bytes) -> bool:
    if check == "pdf":
        return head.startswith(b"%PDF-")
    if check == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if check == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if check == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if check == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if check == "tiff":
        return head.startswith((b"II*\x00", b"MM\x00*"))
    if check == "wav":
        return head[:4] == b"RIFF" and head[8:12] == b"WAVE"
    if check == "isobmff":
        return head[4:8] == b"ftyp"
    if check == "mp3":
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    if check == "ole":
        return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if check == "rtf":
        return head.startswith(b"{\\rtf")
    if check == "text":
        return _is_text(head)
    if check in {"zip", "odf", "ooxml"}:
        return head.startswith(b"PK\x03\x04") and _zip_matches(check, extension, path)
    return False


def _is_text(head: bytes) -> bool:
    """Readable text: no NUL byte and no markup a browser would run if it sniffed the type."""
    if b"\x00" in head:
        return False
    opening = head.lstrip()[:256].lower()
    if opening.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script")):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def _zip_matches(check: str, extension: str, path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if check == "odf":
                # Read at most a few bytes: a crafted entry could inflate to gigabytes.
                if "mimetype" not in names or archive.getinfo("mimetype").file_size > 200:
                    return False
                with archive.open("mimetype") as entry:
                    return entry.read(200).strip() == ODF_MIMETYPES[extension]
            if check == "ooxml":
                return "[Content_Types].xml" in names and any(name.startswith(OOXML_PARTS[extension]) for name in names)
            return True
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return False
