"""A fonds's files are documents in the archive's own space: its folder opens to the depositor when
an archivist takes the offer on, to every member once catalogued where online publication is
allowed, and the signed agreement stays between staff and the depositor."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document, Folder, SpaceKind
from tests.archives import shelved, sign_agreement
from tests.test_archives import appraised, offer
from workflows.archives import actions
from workflows.archives.models import Fonds, Transfer, Use

pytestmark = pytest.mark.django_db


def to_agreement(cast, archivist) -> Fonds:
    fonds = offer(cast.patrimoine_member)
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    fonds = appraised(Fonds.objects.get(pk=fonds.pk), archivist)
    actions.finish_appraisal(archivist, fonds=fonds)
    return Fonds.objects.get(pk=fonds.pk)


def catalogued(cast, archivist, uses) -> Fonds:
    fonds = to_agreement(cast, archivist)
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.DEPOSIT, uses=uses)
    actions.take_in(archivist, fonds=sign_agreement(archivist, fonds), placements=shelved(fonds))
    return Fonds.objects.get(pk=fonds.pk)


def send_signed(client, fonds, name="convention-signee.pdf", data=b"%PDF-1.4\n%signed\n"):
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(reverse("archives:signed_agreement", args=[fonds.pk]), {"signed": upload})


def status_of_folder(client, folder) -> int:
    return client.get(reverse("documents:folder", args=[folder.pk])).status_code


def test_the_archivist_taking_an_offer_on_opens_its_folder_in_the_archive_space_to_the_depositor(
    cast, archivist, login
):
    fonds = offer(cast.patrimoine_member)
    assert fonds.folder is None
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    fonds.refresh_from_db()
    assert fonds.folder.space.kind == SpaceKind.ARCHIVE and fonds.folder.restricted
    assert status_of_folder(login(cast.patrimoine_member), fonds.folder) == 200
    assert status_of_folder(login(cast.production_member), fonds.folder) == 404
    page = login(cast.patrimoine_member).get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert reverse("documents:folder", args=[fonds.folder.pk]) in page


@pytest.mark.parametrize(("uses", "members_see"), [([Use.ONLINE, Use.ON_SITE], True), ([Use.ON_SITE], False)])
def test_once_catalogued_every_member_sees_the_files_only_where_online_publication_is_allowed(
    cast, archivist, login, uses, members_see
):
    fonds = catalogued(cast, archivist, uses)
    assert status_of_folder(login(cast.production_member), fonds.folder) == (200 if members_see else 404)
    page = login(cast.production_member).get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert (reverse("documents:folder", args=[fonds.folder.pk]) in page) is members_see


def test_the_signed_agreement_is_kept_with_the_fonds_for_staff_and_the_depositor_only(cast, archivist, login):
    fonds = to_agreement(cast, archivist)
    page = login(archivist).get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert 'name="signed"' in page
    response = send_signed(login(archivist), fonds)
    assert response.status_code == 302
    fonds.refresh_from_db()
    document = fonds.agreement_signed
    assert document.name == "convention-signee.pdf" and document.folder.parent_id == fonds.folder_id
    # Rights allowing online publication open the fonds's files, never its agreement.
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.GIFT, uses=[Use.ONLINE])
    actions.take_in(archivist, fonds=Fonds.objects.get(pk=fonds.pk), placements=shelved(fonds))
    document_url = reverse("documents:document", args=[document.pk])
    assert login(cast.patrimoine_member).get(document_url).status_code == 200
    assert login(cast.production_member).get(document_url).status_code == 404
    assert status_of_folder(login(cast.production_member), fonds.folder) == 200
    depositor_page = login(cast.patrimoine_member).get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert document_url in depositor_page and 'name="signed"' not in depositor_page
    member_page = login(cast.production_member).get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert document_url not in member_page


def test_a_second_signed_copy_becomes_a_new_version_of_the_same_document(cast, archivist, login):
    fonds = to_agreement(cast, archivist)
    client = login(archivist)
    send_signed(client, fonds)
    send_signed(client, fonds, data=b"%PDF-1.4\n%signed again\n")
    fonds.refresh_from_db()
    assert Document.objects.filter(folder=fonds.agreement_signed.folder).count() == 1
    assert fonds.agreement_signed.versions.count() == 2
    assert Folder.objects.filter(parent=fonds.folder).count() == 1


def test_who_may_not_keep_the_agreement_is_refused_and_a_missing_file_is_said(cast, archivist, login):
    fonds = to_agreement(cast, archivist)
    assert send_signed(login(cast.patrimoine_member), fonds).status_code == 403  # the depositor sees, not files
    assert send_signed(login(cast.production_member), fonds).status_code == 404  # another member sees nothing
    response = login(archivist).post(reverse("archives:signed_agreement", args=[fonds.pk]), {})
    assert response.status_code == 400
    assert "Choisissez le fichier de la convention signée." in response.content.decode()
    fonds.refresh_from_db()
    assert fonds.agreement_signed is None


def test_two_first_triages_at_once_share_the_archive_space_the_other_one_made(cast, archivist, monkeypatch):
    """The first triage makes the archive's space; a second one that read "no space yet" just
    before (two staff at once on a fresh install) takes the space made meanwhile, not an error."""
    from workflows.archives import files

    first = offer(cast.patrimoine_member)
    actions.assign_archivist(cast.staff, fonds=first, archivist=archivist)
    second = offer(cast.production_member)
    monkeypatch.setattr(files, "_archive_space", lambda: None)  # read before the other commit
    actions.assign_archivist(cast.staff, fonds=second, archivist=archivist)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.folder.space == first.folder.space and second.folder.parent == first.folder.parent
