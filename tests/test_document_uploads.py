"""Bad input on uploads, renames and moves: a clear message, and nothing left half-done."""

from __future__ import annotations

import html
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from documents import actions, selectors, storage
from documents.models import Document, DocumentVersion, Folder, Space
from documents.samples import pdf_bytes, png_bytes
from intranet.exceptions import ActionRefused
from tests.concurrency import run_together
from tests.factories import make_incoming
from tests.helpers import assert_nothing_left, raw_upload


@pytest.fixture
def folder(cast):
    root = selectors.root_folder(Space.objects.get(slug="college-production"))
    return actions.create_folder(cast.coordinator, parent=root, name="Dossier")


BAD_FILES = [
    ("vide.pdf", b"", "vide"),
    ("rapport.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "ne correspond pas"),
    ("programme.exe", b"MZ\x90\x00" + b"\x00" * 100, "pas acceptés"),
    ("page.html", b"<!doctype html><script>alert(1)</script>", "pas acceptés"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "pas acceptés"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "ne correspond pas"),
    ("notes.txt", b"<html><body><script>alert(1)</script></body></html>", "ne correspond pas"),
    ("../../etc/passwd.txt", b"root:x:0:0", "/"),
    ("dossier/fichier.txt", b"texte", "/"),
    ("dossier\\fichier.txt", b"texte", "/"),
    ("cloche\x07.txt", b"texte", "caractères de contrôle"),
    ("a" * 296 + ".txt", b"texte", "255"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[case[0][:20] for case in BAD_FILES])
def test_bad_files_are_refused_with_a_clear_message_and_nothing_kept(cast, login, folder, name, data, message):
    response = raw_upload(login(cast.production_member), folder, name, data)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert not Document.objects.exists()
    assert_nothing_left()


def test_an_oversized_file_is_refused_and_nothing_kept(cast, login, folder, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1000
    response = raw_upload(login(cast.production_member), folder, "gros.txt", b"x" * 1001)
    assert response.status_code == 400
    assert "limite" in response.json()["message"]
    assert not Document.objects.exists()
    assert_nothing_left()


def test_an_oversized_file_is_refused_while_streaming_even_without_a_declared_length(cast, folder, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1000
    incoming = make_incoming("gros.txt", b"x" * 600)
    incoming_more = incoming  # the same stream keeps growing past the limit
    incoming_more.write(b"x" * 600)
    assert incoming.too_large
    with pytest.raises(ActionRefused):
        actions.upload_document(cast.production_member, folder=folder, incoming=incoming)
    assert_nothing_left()


def test_multipart_form_stores_the_good_files_and_names_the_refused_ones(cast, login, folder, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(cast.production_member)
    response = client.post(
        reverse("documents:folder_upload", args=[folder.pk]),
        {
            "files": [
                SimpleUploadedFile("ordre-du-jour.pdf", pdf_bytes("Ordre du jour")),
                SimpleUploadedFile("faux.png", b"pas une image"),
            ],
            "description": "Pour la réunion",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "ordre-du-jour.pdf" in page and "faux.png" in page
    document = Document.objects.get()
    assert document.name == "ordre-du-jour.pdf" and document.description == "Pour la réunion"
    assert_nothing_left()


def test_multipart_form_with_only_bad_files_keeps_the_description(cast, login, folder):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(cast.production_member)
    response = client.post(
        reverse("documents:folder_upload", args=[folder.pk]),
        {"files": [SimpleUploadedFile("vide.txt", b"")], "description": "Texte que je ne veux pas retaper"},
    )
    assert response.status_code == 400
    assert "Texte que je ne veux pas retaper" in response.content.decode()
    assert_nothing_left()


def test_multipart_form_refuses_an_oversized_file_while_reading_it(cast, login, folder, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 300 * 1024
    client = login(cast.production_member)
    response = client.post(
        reverse("documents:folder_upload", args=[folder.pk]),
        {"files": [SimpleUploadedFile("gros.txt", b"x" * (600 * 1024))]},
    )
    assert response.status_code == 400
    assert "gros.txt" in response.content.decode()
    assert_nothing_left()


def test_a_failure_while_writing_the_row_leaves_neither_row_nor_file(cast, folder, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(DocumentVersion.objects, "create", broken)
    with pytest.raises(RuntimeError):
        actions.upload_document(cast.production_member, folder=folder, incoming=make_incoming("a.txt", b"texte"))
    assert not Document.objects.exists()
    assert_nothing_left()


def test_uploading_into_a_folder_without_the_right(cast, login, folder):
    assert raw_upload(login(cast.diffusion_member), folder, "a.txt", b"texte").status_code == 404
    association = selectors.root_folder(Space.objects.get(slug="association"))
    response = raw_upload(login(cast.outsider), association, "a.txt", b"texte")
    assert response.status_code == 403
    assert response.json()["message"]
    assert_nothing_left()


def test_moving_a_folder_into_its_own_subfolder_is_refused(cast, login, folder):
    inner = actions.create_folder(cast.coordinator, parent=folder, name="Dedans")
    response = login(cast.coordinator).post(reverse("documents:folder_move", args=[folder.pk]), {"target": inner.pk})
    # Its own subtree is not even offered; a forged choice is refused like any unknown one.
    assert response.status_code == 400
    with pytest.raises(ActionRefused, match=r"subfolders|sous-dossiers"):
        actions.move_folder(cast.coordinator, folder=folder, target=inner)
    assert Folder.objects.get(pk=folder.pk).parent_id != inner.pk


def test_moving_a_folder_carries_its_subtree_and_keeps_inheritance(cast, folder):
    inner = actions.create_folder(cast.coordinator, parent=folder, name="Dedans")
    other = actions.create_folder(cast.coordinator, parent=folder.parent, name="Ailleurs")
    actions.move_folder(cast.coordinator, folder=folder, target=other)
    inner.refresh_from_db()
    assert inner.path == f"{other.path}{folder.pk}/{inner.pk}/"
    assert selectors.breadcrumbs(cast.coordinator, inner)[-1].folder.pk == folder.pk


def test_two_people_renaming_the_same_document_at_once(cast, login, folder):
    document, _version, _created = actions.upload_document(
        cast.coordinator, folder=folder, incoming=make_incoming("brouillon.txt", b"texte")
    )
    url = reverse("documents:document_edit", args=[document.pk])
    first, second = login(cast.coordinator), None
    assert first.get(url).status_code == 200
    data = {"name": "version-claire.txt", "description": "", "revision": document.revision}
    assert first.post(url, data).status_code == 302
    second = login(cast.staff)
    response = second.post(url, {"name": "version-estelle.txt", "description": "", "revision": document.revision})
    assert response.status_code == 400
    page = response.content.decode()
    assert "entre-temps" in page and "version-estelle.txt" in page  # the message, and what was typed
    document.refresh_from_db()
    assert document.name == "version-claire.txt"


def test_renames_racing_in_threads_apply_one_and_refuse_the_other(association_bodies, cast, folder):
    document, _version, _created = actions.upload_document(
        cast.coordinator, folder=folder, incoming=make_incoming("brouillon.txt", b"texte")
    )

    def rename(name):
        document_now = Document.objects.get(pk=document.pk)
        return actions.update_document(cast.coordinator, document=document_now, name=name, description="", revision=1)

    outcomes = run_together(lambda: rename("un.txt"), lambda: rename("deux.txt"))
    kinds = sorted("refused" if isinstance(outcome, ActionRefused) else type(outcome).__name__ for outcome in outcomes)
    assert kinds == ["Document", "refused"]


def test_renaming_to_a_name_taken_in_the_folder(cast, login, folder):
    actions.create_folder(cast.coordinator, parent=folder.parent, name="Pris")
    response = login(cast.coordinator).post(
        reverse("documents:folder_rename", args=[folder.pk]), {"name": "Pris", "revision": folder.revision}
    )
    assert response.status_code == 400
    assert "existe déjà" in response.content.decode()


@pytest.mark.parametrize(("name", "message"), [("../haut", "/"), ("x" * 300, "255"), ("   ", "nom")])
def test_bad_folder_names_keep_what_was_typed(cast, login, folder, name, message):
    response = login(cast.coordinator).post(reverse("documents:folder_create", args=[folder.pk]), {"name": name})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if name.strip():
        assert name in page
    assert not Folder.objects.filter(parent=folder).exists()


def test_trash_restore_and_purge(cast, login, folder, django_capture_on_commit_callbacks):
    inner = actions.create_folder(cast.coordinator, parent=folder, name="Dedans")
    document, version, _created = actions.upload_document(
        cast.production_member, folder=inner, incoming=make_incoming("affiche.png", png_bytes())
    )
    coordinator = login(cast.coordinator)
    coordinator.post(reverse("documents:folder_delete", args=[folder.pk]))
    assert coordinator.get(reverse("documents:folder", args=[inner.pk])).status_code == 404
    assert login(cast.production_member).get(reverse("documents:document", args=[document.pk])).status_code == 404
    trash = login(cast.coordinator).get(reverse("documents:trash", args=["college-production"])).content.decode()
    assert "Dossier" in trash and "affiche.png" not in trash  # it went with its folder
    # A member who may upload cannot restore; the coordinator can.
    assert (
        login(cast.production_member).post(reverse("documents:trash_restore", args=["folder", folder.pk])).status_code
        == 404
    )
    login(cast.coordinator).post(reverse("documents:trash_restore", args=["folder", folder.pk]))
    assert login(cast.production_member).get(reverse("documents:document", args=[document.pk])).status_code == 200
    # Only staff purge; the file goes after the commit.
    actions.trash_document(cast.coordinator, document=document)
    purge = reverse("documents:trash_purge", args=["document", document.pk])
    assert login(cast.coordinator).post(purge).status_code == 403  # sees it in the trash, may not purge
    assert login(cast.production_member).post(purge).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert login(cast.staff).post(purge).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not storage.path_of(version.stored_name).exists()
    assert_nothing_left()


def test_check_command_reports_and_removes_strays(cast, folder, capsys):
    _document, version, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("a.txt", b"texte")
    )
    stray = storage.path_of("zz/zz/orphelin")
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"reste d'un crash")
    abandoned = storage.incoming_dir() / "coupe.part"
    abandoned.write_bytes(b"moitie")
    missing = DocumentVersion.objects.create(
        document=version.document, number=2, stored_name="yy/yy/disparu", original_name="a.txt",
        size=1, content_type="text/plain", sha256="0" * 64,
    )  # fmt: skip
    call_command("documents_check", "--min-age", "0")
    out = capsys.readouterr().out
    assert "stray file: zz/zz/orphelin" in out and "abandoned upload: coupe.part" in out
    assert f"document {missing.document_id}, version 2" in out
    assert stray.exists()
    call_command("documents_check", "--min-age", "0", "--delete")
    assert not stray.exists() and not abandoned.exists()
    assert storage.path_of(version.stored_name).exists()


async def test_the_server_refuses_an_oversized_body_before_reading_it(settings):
    from intranet.bodylimit import RequestBodyLimit

    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1024
    reached = []

    async def application(scope, receive, send):
        reached.append(scope["path"])

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        raise AssertionError("the body must not be read")

    scope = {"type": "http", "path": "/documents/dossiers/1/deposer/", "headers": [(b"content-length", b"9999999")]}
    await RequestBodyLimit(application)(scope, receive, send)
    assert not reached
    assert sent[0]["status"] == 413
    assert "limite" in sent[1]["body"].decode()


async def test_a_body_without_declared_length_is_cut_past_the_limit(settings):
    from intranet.bodylimit import ENVELOPE_BYTES, RequestBodyLimit

    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1024
    chunks = iter([b"x" * ENVELOPE_BYTES, b"x" * 2048, b"never read"])
    application_called = []

    async def receive():
        return {"type": "http.request", "body": next(chunks), "more_body": True}

    async def application(scope, receive, send):
        application_called.append(True)

    sent = []

    async def send(message):
        sent.append(message)

    await RequestBodyLimit(application)({"type": "http", "path": "/", "headers": []}, receive, send)
    assert sent[0]["status"] == 413
    assert not application_called
    assert next(chunks) == b"never read"  # nothing read past the limit


async def test_a_chunked_body_reaches_the_page_whole_with_its_length(settings):
    """Sent without a declared length (chunked), a body is read before Django's handler sees it
    and handed on with its length, which Django's WSGI handler needs to read it at all."""
    from intranet.bodylimit import REPLAY_CHUNK_BYTES, RequestBodyLimit

    pieces = [b"a" * REPLAY_CHUNK_BYTES, b"b" * 1000, b"c" * REPLAY_CHUNK_BYTES]
    chunks = iter(pieces)

    async def receive():
        body = next(chunks)
        return {"type": "http.request", "body": body, "more_body": body[:1] != b"c"}

    received = []

    async def application(scope, receive, send):
        while (message := await receive())["more_body"]:
            received.append(message["body"])
        received.append(message["body"])
        received.append(dict(scope["headers"]))

    scope = {"type": "http", "path": "/", "headers": [(b"transfer-encoding", b"chunked")]}
    await RequestBodyLimit(application)(scope, receive, lambda message: None)
    *body, headers = received
    assert b"".join(body) == b"".join(pieces)
    assert headers == {b"content-length": str(len(b"".join(pieces))).encode()}


def test_a_crafted_office_file_is_refused_without_inflating_it(cast, login, folder):
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("mimetype", b"0" * 10_000_000)  # inflates to 10 MB, compressed to a few KB
    response = raw_upload(login(cast.production_member), folder, "bombe.odt", archive.getvalue())
    assert response.status_code == 400
    assert_nothing_left()


def test_text_extraction_refuses_an_archive_that_inflates_too_much(cast, folder, monkeypatch):
    from documents import extraction
    from documents.models import ExtractionStatus
    from documents.samples import docx_bytes

    monkeypatch.setattr(extraction, "MAX_UNZIPPED_BYTES", 1000)
    _document, version, _created = actions.upload_document(
        cast.production_member, folder=folder, incoming=make_incoming("gros.docx", docx_bytes("texte"))
    )
    extraction.extract_pending()
    version.refresh_from_db()
    assert version.extraction_status == ExtractionStatus.FAILED
    assert storage.path_of(version.stored_name).exists()


def test_concurrent_uploads_of_the_same_name_become_versions(association_bodies, cast, folder):
    def send(index):
        _document, version, _created = actions.upload_document(
            cast.production_member,
            folder=Folder.objects.get(pk=folder.pk),
            incoming=make_incoming("rapport.txt", f"version {index}".encode()),
        )
        return version.number

    outcomes = run_together(*[lambda index=index: send(index) for index in range(3)])
    assert sorted(outcomes, key=str) == [1, 2, 3]
    assert Document.objects.get().versions.count() == 3
    assert_nothing_left()


def test_files_received_for_a_refused_request_are_removed(cast, folder, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.production_member, backend="django.contrib.auth.backends.ModelBackend")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("documents:folder_upload", args=[folder.pk]), {"files": [SimpleUploadedFile("a.txt", b"texte")]}
    )
    assert response.status_code == 403  # no CSRF token
    assert not Document.objects.exists()
    assert_nothing_left()


def test_a_too_long_description_keeps_the_form_and_stores_nothing(cast, login, folder):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(cast.production_member).post(
        reverse("documents:folder_upload", args=[folder.pk]),
        {"files": [SimpleUploadedFile("a.txt", b"texte")], "description": "très long " * 600},
    )
    assert response.status_code == 400
    assert "très long très long" in response.content.decode()
    assert not Document.objects.exists()
    assert_nothing_left()


def test_purging_a_folder_removes_its_subtree_and_files_after_the_commit(
    cast, login, folder, django_capture_on_commit_callbacks
):
    inner = actions.create_folder(cast.coordinator, parent=folder, name="Dedans")
    _document, version, _created = actions.upload_document(
        cast.production_member, folder=inner, incoming=make_incoming("a.txt", b"texte")
    )
    actions.trash_folder(cast.coordinator, folder=folder)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.staff).post(reverse("documents:trash_purge", args=["folder", folder.pk]))
    assert response.status_code == 302
    assert not Folder.objects.filter(pk__in=[folder.pk, inner.pk]).exists()
    assert not storage.path_of(version.stored_name).exists()
    assert_nothing_left()
    from intranet.models import AuditEntry

    assert AuditEntry.objects.filter(action="folder.purged", target_id=str(folder.pk)).exists()


async def test_the_served_application_refuses_an_oversized_body_before_django(settings):
    from intranet.asgi import application

    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1024
    sent = []

    async def receive():
        raise AssertionError("the body must not be read")

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": "/documents/dossiers/1/deposer/", "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"content-length", b"99999999")],
    }  # fmt: skip
    await application(scope, receive, send)
    assert sent[0]["status"] == 413


def test_staff_find_each_access_change_in_the_audit_log(cast, login, folder):
    actions.grant_folder_access(cast.coordinator, folder=folder, user=cast.diffusion_member, level=1)
    actions.revoke_folder_access(cast.coordinator, folder=folder, user=cast.diffusion_member)
    page = login(cast.staff).get(reverse("staff_audit_log")).content.decode()
    assert "octroi d'un accès à un dossier" in html.unescape(page)
    assert "révocation d'un accès à un dossier" in html.unescape(page)
    assert page.count(cast.diffusion_member.email) >= 2  # whom each change concerned


async def test_a_form_sent_without_the_script_gets_a_page_with_the_way_back(settings):
    """No JavaScript: the browser posts the form itself and shows whatever comes back, so an
    oversized file is answered with a page in the site's language, not with JSON."""
    from intranet.bodylimit import RequestBodyLimit

    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1024
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        raise AssertionError("the body must not be read")

    async def application(scope, receive, send):
        raise AssertionError("the view must not run")

    form_page = "/documents/dossiers/7/"
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"content-length", b"9999999"),
        (b"accept", b"text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
        (b"referer", f"http://127.0.0.1:8000{form_page}".encode()),
    ]
    scope = {"type": "http", "path": "/documents/dossiers/7/deposer/", "headers": headers}
    await RequestBodyLimit(application)(scope, receive, send)
    assert sent[0]["status"] == 413
    assert dict(sent[0]["headers"])[b"content-type"].startswith(b"text/html")
    page = html.unescape(sent[1]["body"].decode())
    assert "Fichier trop volumineux" in page and "il n'a pas été enregistré" in page
    assert f'href="{form_page}"' in page

    # A Referer from elsewhere is not followed: the way back is the home page.
    sent.clear()
    headers[-1] = (b"referer", f"https://ailleurs.example{form_page}".encode())
    await RequestBodyLimit(application)(scope, receive, send)
    assert 'href="/">Retour au formulaire' in sent[1]["body"].decode()
    # The page's upload script asks for JSON and still gets it.
    sent.clear()
    headers[-2] = (b"accept", b"application/json")
    await RequestBodyLimit(application)(scope, receive, send)
    assert json.loads(sent[1]["body"])["ok"] is False
