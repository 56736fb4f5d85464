"""Receiving files: streamed to disk chunk by chunk, never held whole in memory.

Two ways in, one result: the page's script sends each file as the raw request body (with its
name in a header, so progress is per file), and the plain form posts multipart data read by
``IncomingUploadHandler``. Both produce ``IncomingFile`` objects that the upload action checks
and moves into place, or discards.
"""

from __future__ import annotations

import hashlib
import html
import os
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from documents import storage
from documents.filetypes import HEAD_SIZE
from intranet.exceptions import ActionRefused

CHUNK_SIZE = 256 * 1024
NAME_MAX_LENGTH = 255


def max_upload_bytes() -> int:
    return settings.DOCUMENTS_MAX_UPLOAD_BYTES


def too_large_message(name: str) -> str:
    return _("“%(name)s” is larger than the limit of %(limit)s; it was not stored.") % {
        "name": name,
        "limit": filesizeformat(max_upload_bytes()),
    }


def clean_name(name: str, *, field: str = "name") -> str:
    """A file or folder name as typed, or ActionRefused saying what is wrong with it."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise ActionRefused(_("Give a name."), field=field)
    if "/" in name or "\\" in name:
        raise ActionRefused(_("A name cannot contain “/” or “\\”."), field=field)
    if any(unicodedata.category(character) in {"Cc", "Cf", "Zl", "Zp"} for character in name):
        raise ActionRefused(_("A name cannot contain control characters."), field=field)
    if name in {".", ".."}:
        raise ActionRefused(_("“.” and “..” are not names."), field=field)
    if len(name) > NAME_MAX_LENGTH:
        raise ActionRefused(
            _("A name is at most %(max)s characters long (this one has %(length)s).")
            % {"max": NAME_MAX_LENGTH, "length": len(name)},
            field=field,
        )
    return name


class IncomingFile:
    """A file being received into the incoming folder, with its size, hash and first bytes."""

    def __init__(self, name: str):
        self.name = name
        self.path: Path = storage.incoming_dir() / f"{secrets.token_hex(16)}.part"
        self._file = open(self.path, "xb")  # noqa: SIM115 - closed by finish() or discard()
        self._hash = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.too_large = False
        self.placed = False  # moved into place by an upload action

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> IncomingFile:
        """A whole file at once (demo data, tests), received as an upload would be."""
        incoming = cls(name)
        incoming.write(data)
        return incoming.finish()

    def write(self, chunk: bytes) -> None:
        if self.too_large:
            return
        if self.size + len(chunk) > max_upload_bytes():
            self.too_large = True
            self._drop()
            return
        if len(self.head) < HEAD_SIZE:
            self.head += chunk[: HEAD_SIZE - len(self.head)]
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def finish(self) -> IncomingFile:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        return self

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def discard(self) -> None:
        self._drop()

    def close(self) -> None:
        """Django closes every received file at the end of the request: one that no action
        stored (a refused form, a failed CSRF check, an error) is removed then."""
        if not self.placed:
            self._drop()

    def _drop(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)


class _NamesAsSentParser(MultiPartParser):
    """Django's multipart parser, except that it keeps each file's name as the client sent it.

    Django cleans names silently (``../../x.txt`` becomes ``x.txt``, control and zero-width
    characters vanish), so a forged name became a new version of another document. Kept as sent,
    the name meets ``clean_name`` in the upload action, which refuses it as it refuses the same
    name from the page's script."""

    def sanitize_file_name(self, file_name):
        # Entities, as Django reads them (some browsers send them for characters of other scripts).
        return html.unescape(file_name) or None


class IncomingUploadHandler(FileUploadHandler):
    """Multipart uploads straight into the incoming folder, refusing a file past the size limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.refused: list[str] = []  # messages for files that were not kept
        self.incoming: IncomingFile | None = None
        self._parsing = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        """Parse the form with the names as sent (pages and API alike: both call this hook)."""
        if self._parsing:
            return None  # called again by our own parser: let it parse
        self._parsing = True
        return _NamesAsSentParser(META, input_data, [self], encoding).parse()

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.incoming = IncomingFile(file_name)

    def receive_data_chunk(self, raw_data, start):
        self.incoming.write(raw_data)
        if self.incoming.too_large:
            self.refused.append(too_large_message(self.file_name))
            self.incoming = None
            raise SkipFile()
        return None

    def file_complete(self, file_size):
        incoming, self.incoming = self.incoming, None
        return incoming.finish() if incoming else None

    def upload_interrupted(self):
        if self.incoming is not None:
            self.incoming.discard()
            self.incoming = None


def receive_raw_upload(request) -> IncomingFile:
    """The request body as one file, named by the ``X-File-Name`` header (percent-encoded)."""
    name = unquote(request.headers.get("X-File-Name", ""), errors="strict")
    declared = int(request.headers.get("Content-Length") or 0)
    if declared > max_upload_bytes():
        raise ActionRefused(too_large_message(name), field="file")
    incoming = IncomingFile(name)
    try:
        while chunk := request.read(CHUNK_SIZE):
            incoming.write(chunk)
            if incoming.too_large:
                raise ActionRefused(too_large_message(name), field="file")
    except BaseException:
        incoming.discard()
        raise
    return incoming.finish()
