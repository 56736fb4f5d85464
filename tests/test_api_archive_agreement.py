"""The agreement through the API: the same OpenDocument as the page's download, and the signed copy
kept by the same action as the page's form, with the same limits and the same refusals."""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document
from tests.api import token_client
from tests.test_archive_files import send_signed
from workflows.archives import actions
from workflows.archives.items import ItemDraft
from workflows.archives.models import Fonds, FondsStatus

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%signed\n"


@pytest.fixture
def fonds(cast, archivist) -> Fonds:
    """The Patrimoine member's offer, appraised: its agreement is being prepared."""
    fonds = actions.record_offer(
        cast.patrimoine_member,
        title="Films de la famille Lenoir",
        items=[ItemDraft(title="Vacances à Royan", format="super8", count=3, year_from=1972)],
    )
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    actions.appraise_item(archivist, item=fonds.items.get(), retained=True)
    actions.finish_appraisal(archivist, fonds=fonds)
    return Fonds.objects.get(pk=fonds.pk)


def content_of(odt: bytes) -> str:
    """The document's text, paragraph by paragraph (the XML's namespace declarations vary)."""
    with zipfile.ZipFile(io.BytesIO(odt)) as document:
        xml = document.read("content.xml").decode()
    return "\n".join(html.unescape(text) for text in re.findall(r"<text:[ph][^>]*>([^<]*)<", xml))


def api_document(client, fonds, **rights):
    return client.get(f"/api/v1/archives/fonds/{fonds.pk}/agreement.odt", rights)


def test_the_api_sends_the_agreement_the_page_sends(cast, archivist, login, fonds):
    page = login(archivist).get(reverse("archives:agreement_document", args=[fonds.pk]))
    api = api_document(token_client(archivist), fonds)
    assert api.status_code == 200 and api["Content-Type"] == page["Content-Type"]
    named = 'attachment; filename="convention-de-depot-films-de-la-famille-lenoir.odt"'
    assert api["Content-Disposition"] == page["Content-Disposition"] == named
    assert content_of(api.content) == content_of(page.content)
    assert "Vacances à Royan" in content_of(api.content)


def test_the_api_drafts_the_agreement_with_rights_not_yet_recorded_and_refuses_unknown_ones(archivist, fonds):
    client = token_client(archivist)
    gift = api_document(client, fonds, transfer="gift", uses=["research", "online"])
    assert gift.status_code == 200 and 'filename="acte-de-don-' in gift["Content-Disposition"]
    text = content_of(gift.content)
    assert "Acte de don" in text and "recherche" in text and "diffusion en ligne" in text
    bad = api_document(client, fonds, transfer="loan", uses=["everything"])
    assert bad.status_code == 400 and {"transfer", "uses"} <= set(bad.json()["errors"])
    # Whatever the client says it accepts, the document comes (a refusal is JSON).
    accepting = client.get(
        f"/api/v1/archives/fonds/{fonds.pk}/agreement.odt", HTTP_ACCEPT="application/vnd.oasis.opendocument.text"
    )
    assert accepting.status_code == 200 and accepting.content.startswith(b"PK")


def test_the_depositor_sees_the_fonds_but_not_its_draft_agreement_and_others_see_nothing(cast, fonds):
    assert api_document(token_client(cast.patrimoine_member), fonds).status_code == 403
    assert api_document(token_client(cast.production_member), fonds).status_code == 404
    missing = token_client(cast.staff).get("/api/v1/archives/fonds/999999/agreement.odt")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def signed_through_api(client, fonds, files):
    return client.post(f"/api/v1/archives/fonds/{fonds.pk}/signed-agreement/", files, format="multipart")


def test_the_signed_copy_sent_through_the_api_opens_the_intake(cast, archivist, fonds):
    client = token_client(archivist)
    actions.record_agreement(archivist, fonds=fonds, transfer="deposit", uses=["on_site"])
    response = signed_through_api(client, fonds, {"file": SimpleUploadedFile("convention-signee.pdf", PDF)})
    assert response.status_code == 201, response.json()
    fonds.refresh_from_db()
    document = fonds.agreement_signed
    assert document.name == "convention-signee.pdf" and document.folder.parent_id == fonds.folder_id
    assert response.json()["signed_agreement"] == document.pk
    assert token_client(cast.patrimoine_member).get(response["Location"]).status_code == 200  # the depositor's too
    assert token_client(cast.production_member).get(response["Location"]).status_code == 404
    again = signed_through_api(client, fonds, {"file": SimpleUploadedFile("convention-signee.pdf", PDF + b"%v2\n")})
    assert again.status_code == 201 and Document.objects.get(pk=document.pk).versions.count() == 2
    places = [{"item": item.pk, "location": "Magasin 1"} for item in fonds.items.filter(retained=True)]
    intake = client.post(f"/api/v1/archives/fonds/{fonds.pk}/intake/", {"placements": places}, format="json")
    assert intake.status_code == 200 and intake.json()["status"] == FondsStatus.CATALOGUED


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Choisissez le fichier de la convention signée."),
        ({"file": SimpleUploadedFile("convention-signee.pdf", b"%PDF-1.4\n" + b"x" * 2000)}, "dépasse la limite"),
        ({"file": SimpleUploadedFile("convention.exe", b"MZ\x90\x00binary")}, "(.exe)"),
        ({"file": [SimpleUploadedFile("un.pdf", PDF), SimpleUploadedFile("deux.pdf", PDF)]}, "un seul fichier"),
    ],
    ids=["no-file", "too-big", "refused-type", "two-files"],
)
def test_a_refused_signed_copy_is_said_as_on_the_page_and_nothing_is_kept(archivist, fonds, settings, files, message):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1000
    response = signed_through_api(token_client(archivist), fonds, files)
    assert response.status_code == 400, response.json()
    assert message in " ".join(response.json()["errors"]["file"])
    fonds.refresh_from_db()
    assert fonds.agreement_signed is None and not Document.objects.filter(folder__parent=fonds.folder).exists()


def test_the_page_refuses_a_file_too_big_with_the_same_words(archivist, fonds, login, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1000
    page = send_signed(login(archivist), fonds, data=b"%PDF-1.4\n" + b"x" * 2000)
    api = signed_through_api(
        token_client(archivist),
        fonds,
        {"file": SimpleUploadedFile("convention-signee.pdf", b"%PDF-1.4\n" + b"x" * 2000)},
    )
    assert page.status_code == api.status_code == 400
    assert api.json()["detail"] in page.content.decode().replace("&#x27;", "'")


def test_only_staff_keep_the_signed_copy_and_a_json_body_is_refused(cast, archivist, fonds):
    upload = {"file": SimpleUploadedFile("convention-signee.pdf", PDF)}
    assert signed_through_api(token_client(cast.patrimoine_member), fonds, upload).status_code == 403
    json = token_client(archivist).post(
        f"/api/v1/archives/fonds/{fonds.pk}/signed-agreement/", {"file": "convention.pdf"}, format="json"
    )
    assert json.status_code == 415 and json.json()["detail"]
    assert Fonds.objects.get(pk=fonds.pk).agreement_signed is None
