"""Document spaces: folders, uploads, versions, the trash, and the folder policy on every page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from documents import actions, extraction, selectors, storage
from documents.models import ExtractionFailure, ExtractionStatus, Space
from documents.samples import docx_bytes, odt_bytes, pdf_bytes, png_bytes
from intranet.exceptions import ActionRefused
from intranet.models import AuditEntry
from tests.helpers import recount_navigation, root_of, upload


def without_tokens(html: bytes) -> bytes:
    """A page without its per-response CSRF tokens, to compare two answers."""
    return re.sub(rb'(name="csrf-token" content|name="csrfmiddlewaretoken" value|name="next" value)="[^"]*"', b"", html)


@pytest.fixture
def production(cast):
    """The Production space with a subfolder and a document in it."""
    root = root_of("college-production")
    minutes = actions.create_folder(cast.coordinator, parent=root, name="Comptes rendus")
    document, _version = upload(cast.production_member, minutes, "cr-janvier.pdf", pdf_bytes("Réunion de janvier"))
    extraction.extract_pending()  # what the extraction worker does after the upload
    return {"root": root, "minutes": minutes, "document": document}


def test_member_browses_their_college_space_and_downloads(cast, login, production):
    client = login(cast.production_member)
    page = client.get(reverse("documents:folder", args=[production["root"].pk]))
    assert page.status_code == 200
    assert "Comptes rendus" in page.content.decode()
    page = client.get(reverse("documents:folder", args=[production["minutes"].pk]))
    assert "cr-janvier.pdf" in page.content.decode()
    download = client.get(reverse("documents:document_download", args=[production["document"].pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_member_of_another_college_gets_the_same_404_as_for_a_missing_folder(cast, login, production):
    client = login(cast.diffusion_member)
    forbidden = client.get(reverse("documents:folder", args=[production["minutes"].pk]))
    missing = client.get(reverse("documents:folder", args=[999999]))
    assert forbidden.status_code == missing.status_code == 404
    assert without_tokens(forbidden.content) == without_tokens(missing.content)
    for name, args in [
        ("documents:document", [production["document"].pk]),
        ("documents:document_download", [production["document"].pk]),
        ("documents:version_download", [production["document"].current_version_id]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404


def test_upload_stores_file_row_text_and_audit(cast, production):
    document = production["document"]
    version = document.current_version
    version.refresh_from_db()
    assert version.number == 1 and version.size > 0
    assert storage.path_of(version.stored_name).read_bytes().startswith(b"%PDF-")
    assert version.extraction_status == ExtractionStatus.DONE
    assert "Réunion de janvier" in version.extracted_text
    assert AuditEntry.objects.filter(action="document.uploaded", target_id=str(document.pk)).exists()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("texte.docx", docx_bytes("Cinéma d'animation"), "Cinéma d'animation"),
        ("texte.odt", odt_bytes("Patrimoine filmé"), "Patrimoine filmé"),
        ("notes.md", "# Éducation à l'image".encode(), "Éducation à l'image"),
    ],
)
def test_text_is_extracted_from_office_and_text_files(cast, name, data, expected):
    _document, version = upload(cast.production_member, root_of("college-production"), name, data)
    extraction.extract_pending()
    version.refresh_from_db()
    assert version.extraction_status == ExtractionStatus.DONE
    assert expected in version.extracted_text


def test_unreadable_pdf_is_stored_with_extraction_marked_failed(cast):
    _document, version = upload(cast.production_member, root_of("college-production"), "abime.pdf", b"%PDF-1.4 garbage")
    extraction.extract_pending()
    version.refresh_from_db()
    assert version.extraction_status == ExtractionStatus.FAILED
    assert version.extraction_failure == ExtractionFailure.UNREADABLE
    assert storage.path_of(version.stored_name).exists()


def test_same_name_becomes_a_new_version_and_old_versions_stay_downloadable(cast, login, production):
    folder = production["minutes"]
    document, version = upload(cast.production_member, folder, "cr-janvier.pdf", pdf_bytes("Version corrigée"))
    assert document.pk == production["document"].pk and version.number == 2
    client = login(cast.production_member)
    first = document.versions.get(number=1)
    body = b"".join(client.get(reverse("documents:version_download", args=[first.pk])).streaming_content)
    assert b"janvier" in body


def test_restoring_an_old_version_makes_it_the_newest(cast, login, production):
    document = production["document"]
    upload(cast.production_member, production["minutes"], "cr-janvier.pdf", pdf_bytes("Version 2"))
    first = document.versions.get(number=1)
    client = login(cast.production_member)
    response = client.post(reverse("documents:version_restore", args=[first.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current_version.number == 3
    assert document.current_version.sha256 == first.sha256
    assert document.current_version.restored_from_id == first.pk


def test_download_headers_are_safe_and_keep_accents(cast, login, production, settings):
    document, _version = upload(cast.production_member, production["minutes"], "Procès-verbal été.pdf", pdf_bytes("PV"))
    client = login(cast.production_member)
    response = client.get(reverse("documents:document_download", args=[document.pk]))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Proc%C3%A8s-verbal%20%C3%A9t%C3%A9.pdf" in disposition


def test_preview_is_inline_only_for_pdf_and_images(cast, login, production):
    client = login(cast.production_member)
    pdf = production["document"].current_version
    assert client.get(reverse("documents:version_preview", args=[pdf.pk]))["Content-Disposition"].startswith("inline")
    _doc, image = upload(cast.production_member, production["minutes"], "affiche.png", png_bytes())
    preview = client.get(reverse("documents:version_preview", args=[image.pk]))
    assert preview["Content-Disposition"].startswith("inline") and "sandbox" in preview["Content-Security-Policy"]
    _doc, text = upload(cast.production_member, production["minutes"], "notes.txt", b"hello")
    assert client.get(reverse("documents:version_preview", args=[text.pk])).status_code == 404


def test_sendfile_setting_hands_the_transfer_to_the_front_server(cast, login, production, settings):
    settings.DOCUMENTS_SENDFILE = "x-accel-redirect"
    client = login(cast.production_member)
    version = production["document"].current_version
    response = client.get(reverse("documents:version_download", args=[version.pk]))
    assert response["X-Accel-Redirect"] == f"/protected-documents/{version.stored_name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("documents:version_download", args=[version.pk]), HTTP_HOST="testserver")
    login(cast.diffusion_member)
    assert client.get(reverse("documents:version_download", args=[version.pk])).status_code == 404


def test_forum_message_shows_a_referenced_document_only_to_readers_who_may_open_it(cast, login, production):
    from forums import actions as forum_actions
    from forums.models import Forum

    document = production["document"]
    thread = forum_actions.start_thread(
        cast.production_member,
        forum=Forum.objects.get(slug="general"),
        title="Compte rendu",
        body=f"Le compte rendu : [[doc:{document.pk}]] et [[doc:999999]]. `[[doc:{document.pk}]]` reste du code.",
    )
    assert "cr-janvier" not in thread.posts.get().body_html  # the stored HTML never holds the name
    url = reverse("forums:thread", args=[thread.pk])
    member_page = login(cast.production_member).get(url).content.decode()
    assert f'href="{reverse("documents:document", args=[document.pk])}"' in member_page
    assert "cr-janvier.pdf" in member_page
    outsider_page = login(cast.diffusion_member).get(url).content.decode()
    assert "cr-janvier" not in outsider_page
    assert reverse("documents:document", args=[document.pk]) not in outsider_page
    # The forbidden document and the missing one read the same.
    assert outsider_page.count("document-ref--unavailable") == 2
    post = thread.posts.get()
    fragment = login(cast.diffusion_member).get(reverse("forums:post", args=[post.pk])).content.decode()
    assert "cr-janvier" not in fragment
    forum_actions.edit_post(cast.production_member, post=post, body=f"Corrigé : [[doc:{document.pk}]]")
    history = login(cast.production_member).get(reverse("forums:history", args=[post.pk])).content.decode()
    assert history.count("cr-janvier.pdf") == 2 and 'class="document-ref">doc:' not in history
    history = login(cast.diffusion_member).get(reverse("forums:history", args=[post.pk])).content.decode()
    assert "cr-janvier" not in history


def test_an_unknown_sendfile_mode_is_reported_at_startup(settings):
    from django.core import checks

    settings.DOCUMENTS_SENDFILE = "x-accel"
    assert "documents.E001" in {message.id for message in checks.run_checks()}


@pytest.mark.parametrize(
    ("ratio", "batch"), [(1000, 500), (0, 3), (0, 500)], ids=["filter-first", "walk-small", "walk"]
)
def test_recent_pages_match_the_plain_query_whichever_way_they_are_read(cast, production, monkeypatch, ratio, batch):
    monkeypatch.setattr(selectors, "FEW_FOLDERS_RATIO", ratio)
    monkeypatch.setattr(selectors, "RECENT_BATCH", batch)
    for index in range(7):
        upload(cast.production_member, production["minutes"], f"note-{index}.txt", b"texte")
        upload(cast.diffusion_member, root_of("college-diffusion"), f"autre-{index}.txt", b"texte")
    member = cast.production_member
    expected = [document.pk for document in selectors.recent_documents(member)]
    pages, number, more = [], 1, True
    while more:
        documents, more = selectors.recent_documents_page(member, page=number, per_page=3)
        pages += [document.pk for document in documents]
        number += 1
    assert pages == expected and len(expected) == 8


def test_recent_documents_lists_only_what_the_member_may_open(cast, login, production, django_assert_max_num_queries):
    upload(cast.diffusion_member, root_of("college-diffusion"), "programmation.txt", b"salles")
    upload(cast.staff, root_of("association"), "statuts.txt", b"statuts")
    client = login(cast.production_member)
    recount_navigation(cast.production_member)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("documents:recent")).content.decode()
    assert "cr-janvier.pdf" in page and "statuts.txt" in page
    assert "programmation.txt" not in page
    assert page.index("statuts.txt") < page.index("cr-janvier.pdf")  # newest first


def test_a_new_college_gets_its_space_with_default_access(cast):
    from intranet import actions as core_actions
    from tests.factories import make_member

    college = core_actions.create_college(cast.staff, name="Exploitation", slug="exploitation")
    space = Space.objects.get(college=college)
    member = make_member(actor=cast.staff, college="exploitation", email="exploitant@example.org")
    from documents import policies

    assert policies.folder_level(member, selectors.root_folder(space)) == 2
    assert policies.folder_level(cast.production_member, selectors.root_folder(space)) == 0


def test_x_sendfile_mode_names_the_stored_file(cast, login, production, settings):
    settings.DOCUMENTS_SENDFILE = "x-sendfile"
    version = production["document"].current_version
    response = login(cast.production_member).get(reverse("documents:version_download", args=[version.pk]))
    assert response["X-Sendfile"] == str(storage.path_of(version.stored_name))
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db(transaction=True)
async def test_the_served_application_sends_a_download_in_chunks(association_bodies, settings, tmp_path):
    """As the server runs it (intranet.asgi), a file goes out in pieces, never read whole."""
    from asgiref.sync import sync_to_async
    from django.test import AsyncClient

    from intranet.asgi import application
    from tests.factories import make_member, make_staff
    from tests.test_served_application import ask

    def prepare():
        member = make_member(actor=make_staff(), college="production", email="lectrice@example.org")
        data = b"%PDF-1.4\n" + b"x" * (1024 * 1024)
        document, _version = upload(member, root_of("college-production"), "gros.pdf", data)
        return member, document, data

    member, document, data = await sync_to_async(prepare)()
    client = AsyncClient()
    await client.aforce_login(member, backend="django.contrib.auth.backends.ModelBackend")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()

    async def no_body():
        return {"type": "http.request", "body": b"", "more_body": False}

    path = reverse("documents:document_download", args=[document.pk])
    sent = await ask(application, "GET", path, no_body, [(b"cookie", cookie)])
    start, *bodies = sent
    assert start["status"] == 200
    assert (b"x-content-type-options", b"nosniff") in start["headers"]
    chunks = [message["body"] for message in bodies if message["body"]]
    assert len(chunks) > 1 and max(len(chunk) for chunk in chunks) <= 256 * 1024
    assert b"".join(chunks) == data


def test_stored_files_are_not_reachable_by_any_url_but_the_policy_checked_ones(cast, login, production):
    version = production["document"].current_version
    client = login(cast.production_member)
    for url in (f"/media/documents/{version.stored_name}", f"/static/{version.stored_name}", f"/{version.stored_name}"):
        assert client.get(url).status_code == 404, url


def test_revoking_needs_exactly_one_person_or_group(cast):
    folder = root_of("college-production")
    for principal in ({}, {"user": cast.coordinator, "group": folder.space.college.members_group}):
        with pytest.raises(ActionRefused):
            actions.revoke_folder_access(cast.staff, folder=folder, **principal)
