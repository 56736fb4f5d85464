"""In a real Chromium: several files uploaded with their progress shown, then one downloaded."""

import pytest

from documents import selectors
from documents.models import Document, Space
from documents.samples import pdf_bytes
from tests.browser import log_in
from tests.factories import PASSWORD, make_member, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(association_bodies, settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    return make_member(actor=make_staff(), college="production", email="deposante@example.org")


def test_a_member_uploads_two_files_with_progress_and_downloads_one(asgi_server, member, browser):
    root = selectors.root_folder(Space.objects.get(slug="college-production"))
    page = log_in(browser, asgi_server, member.email, PASSWORD)
    page.goto(f"{asgi_server}/documents/dossiers/{root.pk}/")
    big = b"x" * (4 * 1024 * 1024)  # large enough for the browser to report progress along the way
    page.set_input_files(
        "input[name=files]",
        files=[
            {"name": "Compte rendu été.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Compte rendu")},
            {"name": "notes-tournage.txt", "mimeType": "text/plain", "buffer": big},
        ],
    )
    page.locator("form[data-upload-form] button[type=submit]").click()
    page.wait_for_selector("form[data-uploads=finished]", state="attached", timeout=15_000)
    rows = page.locator("[data-upload-list] li")
    assert rows.count() == 2
    for index in range(2):
        row = rows.nth(index)
        assert row.get_attribute("data-state") == "done", row.inner_text()
        assert row.locator("progress").get_attribute("value") == "100"
    # The list of documents shows both, without a reload.
    table = page.locator("[data-document-rows]")
    table.get_by_role("link", name="Compte rendu été.pdf").wait_for()
    assert table.get_by_role("link", name="notes-tournage.txt").is_visible()
    assert Document.objects.count() == 2

    table.get_by_role("link", name="Compte rendu été.pdf").click()
    with page.expect_download() as download_info:
        page.locator(".toolbar a[href$='/telecharger/']").click()
    download = download_info.value
    assert download.suggested_filename == "Compte rendu été.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read().startswith(b"%PDF-")
