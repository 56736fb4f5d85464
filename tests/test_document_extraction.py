"""Text extraction off the request path, within bounds, and the per-person upload rate."""

from __future__ import annotations

import functools
import io
import sys
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from documents import actions, extraction, selectors, storage
from documents.models import DocumentVersion, ExtractionFailure, ExtractionStatus, Space
from documents.samples import docx_bytes, pdf_bytes, png_bytes
from intranet import search
from tests.api import token_client
from tests.factories import make_incoming
from tests.helpers import index_now, raw_upload

BOMB_INFLATED_BYTES = 95 * 1024 * 1024
WORD = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


@functools.cache
def bomb_docx(*, with_text: bool) -> bytes:
    """A small .docx whose main part inflates to 95 MB, as the security probe sent: its XML is
    one paragraph of text, or only white space between the elements (no text to stop at)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w") as part:
            part.write(WORD + (b"<w:p><w:r><w:t>" if with_text else b""))
            filler = (b"film " if with_text else b" ") * (1024 * 1024 // (5 if with_text else 1))
            written = 0
            while written < BOMB_INFLATED_BYTES:
                part.write(filler)
                written += len(filler)
            part.write((b"</w:t></w:r></w:p>" if with_text else b"") + b"</w:body></w:document>")
    return out.getvalue()


@pytest.fixture
def folder(cast):
    return selectors.root_folder(Space.objects.get(slug="college-production"))


def titles_found(user, text: str) -> list[str]:
    return [hit.display.title for hit in search.search(user, text).hits]


def test_a_decompression_bomb_upload_returns_at_once_without_reading_its_text(
    cast, login, folder, monkeypatch, django_capture_on_commit_callbacks
):
    bomb = bomb_docx(with_text=True)
    assert len(bomb) < 400 * 1024  # a few hundred KB that inflate to 95 MB

    def no_reading_in_the_request(*args, **kwargs):
        raise AssertionError("text extraction ran inside the request")

    monkeypatch.setattr(extraction, "read_text", no_reading_in_the_request)
    monkeypatch.setattr(extraction.subprocess, "run", no_reading_in_the_request)
    with django_capture_on_commit_callbacks(execute=True):
        response = raw_upload(login(cast.production_member), folder, "bombe.docx", bomb)
    assert response.status_code == 201, response.content
    version = DocumentVersion.objects.get(original_name="bombe.docx")
    assert version.extraction_status == ExtractionStatus.PENDING and version.extracted_text == ""
    page = login(cast.production_member).get(reverse("documents:folder", args=[folder.pk])).content.decode()
    assert "Son texte est en cours de lecture pour la recherche." in page


def test_the_queued_extraction_stops_at_the_decompression_bound_and_says_why(cast, login, folder, monkeypatch):
    monkeypatch.setattr(extraction, "MAX_UNZIPPED_BYTES", 8 * 1024 * 1024)  # the bomb inflates to 95 MB
    document, version, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("bombe.docx", bomb_docx(with_text=False))
    )
    assert extraction.extract_pending() == 1  # the worker carries on
    version.refresh_from_db()
    assert version.extraction_status == ExtractionStatus.FAILED
    assert version.extraction_failure == ExtractionFailure.TOO_LARGE and version.extracted_text == ""
    assert storage.path_of(version.stored_name).exists()  # the file itself stays downloadable
    assert version.extraction_claimed_until is None and not extraction.pending_versions().exists()
    client = login(cast.production_member)
    for url in (reverse("documents:folder", args=[folder.pk]), reverse("documents:document", args=[document.pk])):
        page = client.get(url).content.decode()
        assert "Pas de recherche dans son texte\xa0: son texte est trop volumineux une fois décompressé." in page


def test_text_past_its_length_limit_is_cut_there_and_the_rest_stays_searchable(cast, folder, monkeypatch):
    monkeypatch.setattr(extraction, "MAX_CHARS", 1000)
    _document, version, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("long.docx", bomb_docx(with_text=True))
    )
    extraction.extract_pending()
    version.refresh_from_db()
    assert version.extraction_status == ExtractionStatus.DONE
    assert len(version.extracted_text) == 1000 and version.extracted_text.startswith("film film")


def test_a_reading_past_its_time_is_stopped_and_the_worker_goes_on(cast, folder, settings, monkeypatch):
    settings.DOCUMENTS_EXTRACTION_SECONDS = 1
    _document, slow, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("lent.pdf", pdf_bytes("Lent"))
    )
    command = extraction.textread_command

    def endless_for_the_slow_one(version, extension):
        if version.pk == slow.pk:  # a file whose reading never ends
            return [sys.executable, "-c", "while True: pass"]
        return command(version, extension)

    monkeypatch.setattr(extraction, "textread_command", endless_for_the_slow_one)
    assert extraction.extract_pending() == 1
    slow.refresh_from_db()
    assert (slow.extraction_status, slow.extraction_failure) == (ExtractionStatus.FAILED, ExtractionFailure.TIMEOUT)
    # The same worker reads the next file as usual.
    settings.DOCUMENTS_EXTRACTION_SECONDS = 30
    _document, normal, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("normal.pdf", pdf_bytes("Rapide"))
    )
    assert extraction.extract_pending() == 1
    normal.refresh_from_db()
    assert normal.extraction_status == ExtractionStatus.DONE and "Rapide" in normal.extracted_text


def test_a_reading_past_its_memory_is_stopped_with_the_reason(cast, folder, settings):
    settings.DOCUMENTS_EXTRACTION_MEMORY_MB = 16  # not even enough to start reading a PDF
    _document, version, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("lourd.pdf", pdf_bytes("Lourd"))
    )
    extraction.extract_pending()
    version.refresh_from_db()
    assert (version.extraction_status, version.extraction_failure) == (
        ExtractionStatus.FAILED,
        ExtractionFailure.MEMORY,
    )


def test_a_normal_pdf_and_docx_are_read_by_the_job_then_found_by_search(cast, folder):
    for name, data in [
        ("programme.pdf", pdf_bytes("Rencontres du documentaire animalier")),
        ("bilan.docx", docx_bytes("Projections en plein air", "Documentaire et territoire")),
    ]:
        actions.upload_document(cast.production_member, folder=folder, incoming=make_incoming(name, data))
    index_now()
    assert titles_found(cast.production_member, "documentaire") == []  # not read yet
    call_command("worker", "--once", "--only", "documents.extract")
    index_now()
    assert sorted(titles_found(cast.production_member, "documentaire")) == ["bilan.docx", "programme.pdf"]
    assert titles_found(cast.production_member, "plein air") == ["bilan.docx"]
    assert set(DocumentVersion.objects.values_list("extraction_status", flat=True)) == {ExtractionStatus.DONE}


def test_a_file_without_text_is_not_queued(cast, folder):
    _document, version, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("affiche.png", png_bytes())
    )
    assert version.extraction_status == ExtractionStatus.UNSUPPORTED
    assert not extraction.pending_versions().exists()


def test_a_version_whose_reader_stopped_is_taken_again_then_given_up(cast, folder):
    _document, version, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("note.txt", b"Ordre du jour")
    )
    # A worker claimed it and stopped: while the claim runs, nobody else takes it…
    DocumentVersion.objects.filter(pk=version.pk).update(
        extraction_claimed_until=timezone.now() + timedelta(minutes=1), extraction_attempts=1
    )
    assert extraction.extract_pending() == 0
    # …once it lapsed, another takes it; after too many lapsed claims it is given up.
    DocumentVersion.objects.filter(pk=version.pk).update(
        extraction_claimed_until=timezone.now() - timedelta(seconds=1), extraction_attempts=extraction.MAX_ATTEMPTS
    )
    assert extraction.extract_pending() == 1
    version.refresh_from_db()
    assert (version.extraction_status, version.extraction_failure) == (
        ExtractionStatus.FAILED,
        ExtractionFailure.INTERRUPTED,
    )


def test_two_workers_never_read_the_same_version(cast, folder):
    _document, version, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("note.txt", b"Ordre du jour")
    )
    assert extraction.claim(version.pk) is True
    assert extraction.claim(version.pk) is False


# --- The upload rate ----------------------------------------------------------------------


def test_the_nth_upload_within_the_window_is_refused_with_the_message_on_the_page(cast, login, folder, settings):
    settings.DOCUMENTS_UPLOAD_RATE = "3/hour"
    client = login(cast.production_member)
    for number in range(3):
        assert raw_upload(client, folder, f"note-{number}.txt", b"texte").status_code == 201
    refused = raw_upload(client, folder, "note-3.txt", b"texte")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 3500
    assert refused.json()["ok"] is False
    assert refused.json()["message"].startswith(
        "Vous pouvez déposer au plus 3 fichiers en 1\xa0heure\xa0: réessayez dans "
    )
    # The form without JavaScript says the same, in the member's language, and keeps nothing.
    cast.production_member.language = "en"
    cast.production_member.save(update_fields=["language"])
    page = client.post(
        reverse("documents:folder_upload", args=[folder.pk]),
        {"files": [SimpleUploadedFile("note-4.txt", b"texte")], "description": ""},
        follow=True,
    )
    assert "You may upload at most 3 files in 1\xa0hour: try again in " in page.content.decode()
    assert DocumentVersion.objects.count() == 3
    assert list(storage.incoming_dir().iterdir()) == []
    # Once the first uploads leave the window, uploading works again.
    DocumentVersion.objects.update(uploaded_at=timezone.now() - timedelta(hours=1, seconds=1))
    assert raw_upload(client, folder, "note-5.txt", b"texte").status_code == 201


def test_the_nth_upload_within_the_window_is_refused_by_the_api_with_429(cast, folder, settings):
    settings.DOCUMENTS_UPLOAD_RATE = "2/minute"
    client = token_client(cast.production_member)

    def send(name):
        return client.post(
            f"/api/v1/folders/{folder.pk}/documents/",
            {"file": SimpleUploadedFile(name, b"texte"), "description": ""},
            format="multipart",
        )

    assert [send("un.txt").status_code, send("deux.txt").status_code] == [201, 201]
    refused = send("trois.txt")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json() == {
        "detail": "Vous pouvez déposer au plus 2 fichiers en 1\xa0minute\xa0: réessayez dans 1\xa0minute.",
        "code": "throttled",
    }
    assert DocumentVersion.objects.count() == 2


def test_a_new_version_counts_and_a_restored_one_does_not(cast, folder, settings):
    settings.DOCUMENTS_UPLOAD_RATE = "2/hour"
    document, version, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("note.txt", b"un")
    )
    actions.add_version(cast.production_member, document=document, incoming=make_incoming("note.txt", b"deux"))
    actions.restore_version(cast.production_member, version=version)
    with pytest.raises(actions.UploadRateExceeded):
        actions.add_version(cast.production_member, document=document, incoming=make_incoming("note.txt", b"trois"))
    # Another person has their own allowance.
    actions.add_version(cast.coordinator, document=document, incoming=make_incoming("note.txt", b"quatre"))
