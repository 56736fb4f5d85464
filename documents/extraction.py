"""The text of each version, kept for search. A file that cannot be read is still stored: its
extraction is marked failed, with the reason in the log."""

from __future__ import annotations

import logging
import zipfile

from django.db import transaction

from documents import storage
from documents.filetypes import extension_of
from documents.models import DocumentVersion, ExtractionStatus
from intranet import search

logger = logging.getLogger(__name__)

MAX_CHARS = 1_000_000  # enough for search; a huge text file is not read whole
# Office files are zip archives: one that would inflate past this is not opened (zip bombs).
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
TEXT_EXTENSIONS = {"txt", "md", "csv"}
EXTRACTED_EXTENSIONS = TEXT_EXTENSIONS | {"pdf", "docx", "odt"}


def extract_version_text_on_commit(version_id: int) -> None:
    transaction.on_commit(lambda: extract_version_text(version_id), robust=True)


def extract_version_text(version_id: int) -> str:
    """Extract and store the text of one version; returns the status."""
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None:
        return ExtractionStatus.FAILED
    extension = extension_of(version.original_name)
    if extension not in EXTRACTED_EXTENSIONS:
        status, text = ExtractionStatus.UNSUPPORTED, ""
    else:
        try:
            text = extract_text(storage.path_of(version.stored_name), extension)[:MAX_CHARS]
            status = ExtractionStatus.DONE
        except Exception:
            logger.warning(
                "Text extraction failed for version %s (%s)", version.pk, version.original_name, exc_info=True
            )
            status, text = ExtractionStatus.FAILED, ""
    # NUL characters are refused by PostgreSQL text columns.
    text = text.replace("\x00", "")
    with transaction.atomic():
        DocumentVersion.objects.filter(pk=version.pk).update(extraction_status=status, extracted_text=text)
        if text:  # the document is found by its text from now on
            search.record_change("document", [version.document_id])
    return status


def extract_text(path, extension: str) -> str:
    if extension in TEXT_EXTENSIONS:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CHARS * 4)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")
    if extension == "pdf":
        return _pdf_text(path)
    if extension == "docx":
        return _docx_text(path)
    if extension == "odt":
        return _odt_text(path)
    raise ValueError(f"no extractor for .{extension}")


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    parts, length = [], 0
    for page in reader.pages:
        part = page.extract_text() or ""
        parts.append(part)
        length += len(part)
        if length >= MAX_CHARS:
            break
    return "\n".join(parts)


def _refuse_zip_bombs(path) -> None:
    with zipfile.ZipFile(path) as archive:
        if sum(entry.file_size for entry in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise ValueError("the archive inflates past the extraction limit")


def _docx_text(path) -> str:
    import docx

    _refuse_zip_bombs(path)
    document = docx.Document(str(path))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _odt_text(path) -> str:
    from odf import teletype, text
    from odf.opendocument import load

    _refuse_zip_bombs(path)
    document = load(str(path))
    lines = [teletype.extractText(element) for element in document.getElementsByType(text.H)]
    lines += [teletype.extractText(element) for element in document.getElementsByType(text.P)]
    return "\n".join(lines)
