"""The documents API: spaces, folders, uploads, downloads, versions and folder access, on the
folder policy and the actions of the pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from documents import actions, extraction, storage
from documents.models import AccessLevel, Document, DocumentVersion
from documents.samples import pdf_bytes
from intranet.models import AuditEntry, SearchChange
from intranet.search import indexer
from tests.api import ROLES, Case, everyone, run_case, token_client
from tests.factories import make_member
from tests.helpers import assert_nothing_left, root_of, upload

pytestmark = pytest.mark.django_db

PRODUCTION_MEMBERS_GROUP = "college-production-membres"


@pytest.fixture
def world(cast):
    """The Production space with a document in two versions and a folder restricted to its
    coordinators; the association's general space with a document every member may read."""
    production = root_of("college-production")
    document, first = upload(cast.production_member, production, "compte-rendu.txt", b"Version une\n")
    upload(cast.coordinator, production, "compte-rendu.txt", b"Version deux\n")
    budget = actions.create_folder(cast.coordinator, parent=production, name="Budget")
    actions.set_folder_restricted(cast.coordinator, folder=budget, restricted=True)
    actions.revoke_folder_access(
        cast.coordinator, folder=budget, group=Group.objects.get(name=PRODUCTION_MEMBERS_GROUP)
    )
    secret, _version = upload(cast.coordinator, budget, "previsionnel.csv", b"poste;montant\nloyer;1200\n")
    general = root_of("association")
    statutes, statutes_version = upload(cast.staff, general, "statuts.txt", b"Article premier\n")
    return {
        "cast": cast,
        "production": production,
        "document": document,
        "first": first,
        "budget": budget,
        "secret": secret,
        "general": general,
        "statutes": statutes,
        "statutes_version": statutes_version,
    }


def production(status: int, **overrides) -> dict[str, int]:
    """What Production's space answers: ``status`` for its members, coordinator and staff; the
    404 of a missing object for everyone else."""
    return everyone(404, **{"member": status, "coordinator": status, "staff": status, **overrides})


def managers(status: int) -> dict[str, int]:
    """Production's folder managed by its coordinator (and staff); its members may only upload."""
    return production(status, member=403)


def general(status: int) -> dict[str, int]:
    """The general space: everyone reads, only staff change."""
    return everyone(403, staff=status)


def a_file(world=None) -> dict:
    return {"file": SimpleUploadedFile("ordre-du-jour.txt", b"Ordre du jour\n"), "description": "Pour lundi"}


def _spaces_match_the_policy(world, role, response):
    spaces = {space["slug"]: space for space in response.json()}
    assert spaces["association"]["root_folder"] == world["general"].pk
    sees_production = role in ("member", "coordinator", "staff")
    assert ("college-production" in spaces) == sees_production, (role, sorted(spaces))
    if sees_production:
        assert spaces["college-production"]["root_folder"] == world["production"].pk


def _folder_lists_what_the_person_may_open(world, role, response):
    body = response.json()
    assert [item["name"] for item in body["documents"]["results"]] == ["compte-rendu.txt"]
    assert [item["name"] for item in body["subfolders"]] == (["Budget"] if role != "member" else [])
    assert body["permissions"] == {"upload": True, "manage": role != "member", "see_access": role != "member"}


def _uploaded(world, role, response):
    body = response.json()
    assert body["name"] == "ordre-du-jour.txt" and body["description"] == "Pour lundi"
    assert body["current_version"]["number"] == 1
    assert Document.objects.get(pk=body["id"]).folder == world["production"]


def _document_with_its_current_version(world, role, response):
    body = response.json()
    assert body["name"] == "compte-rendu.txt"
    assert body["current_version"]["number"] == 2
    assert body["permissions"] == {"change": True, "manage": role != "member", "see_access": role != "member"}


def _the_current_bytes(world, role, response):
    assert b"".join(response.streaming_content) == b"Version deux\n"


def _the_first_bytes(world, role, response):
    assert b"".join(response.streaming_content) == b"Version une\n"


def _two_versions(world, role, response):
    assert [version["number"] for version in response.json()["results"]] == [2, 1]


def _restored_as_version_three(world, role, response):
    assert response.json()["number"] == 3 and response.json()["restored_from"] == 1
    world["document"].refresh_from_db()
    assert world["document"].current_version.number == 3


def _access_of_production(world, role, response):
    body = response.json()
    grants = {(grant["group"] or {}).get("name"): grant["level"] for grant in body["grants"]}
    assert grants == {PRODUCTION_MEMBERS_GROUP: "upload", "college-production-animation": "manage"}
    names = {entry["person"]["id"] for entry in body["people"]["results"]}
    cast = world["cast"]
    assert {cast.production_member.pk, cast.coordinator.pk, cast.staff.pk} <= names
    assert cast.diffusion_member.pk not in names


ROLE_CASES = {
    "api:spaces": Case("get", lambda w: "/api/v1/spaces/", everyone(200), check=_spaces_match_the_policy),
    "api:folder": Case(
        "get",
        lambda w: f"/api/v1/folders/{w['production'].pk}/",
        production(200),
        check=_folder_lists_what_the_person_may_open,
    ),
    "api:folder_upload": Case(
        "post",
        lambda w: f"/api/v1/folders/{w['production'].pk}/documents/",
        production(201),
        data=a_file,
        format="multipart",
        check=_uploaded,
    ),
    "api:folder_access": Case(
        "get", lambda w: f"/api/v1/folders/{w['production'].pk}/access/", managers(200), check=_access_of_production
    ),
    "api:document": Case(
        "get",
        lambda w: f"/api/v1/documents/{w['document'].pk}/",
        production(200),
        check=_document_with_its_current_version,
    ),
    "api:document_download": Case(
        "get", lambda w: f"/api/v1/documents/{w['document'].pk}/download/", production(200), check=_the_current_bytes
    ),
    "api:document_versions": Case(
        "get", lambda w: f"/api/v1/documents/{w['document'].pk}/versions/", production(200), check=_two_versions
    ),
    "api:version_download": Case(
        "get", lambda w: f"/api/v1/versions/{w['first'].pk}/download/", production(200), check=_the_first_bytes
    ),
    "api:version_restore": Case(
        "post",
        lambda w: f"/api/v1/versions/{w['first'].pk}/restore/",
        production(201),
        check=_restored_as_version_three,
    ),
}

# The harness keys its cases by route: the other methods of a route, and the other places
# (a restricted folder, the general space where most may only read), are cast here.
MORE_CASES = {
    "grant on Production": Case(
        "post",
        lambda w: f"/api/v1/folders/{w['production'].pk}/access/",
        managers(201),
        data=lambda w: {"user": w["cast"].diffusion_member.pk, "level": "view"},
    ),
    "revoke on Production": Case(
        "delete",
        lambda w: f"/api/v1/folders/{w['production'].pk}/access/?group={PRODUCTION_MEMBERS_GROUP}",
        managers(204),
    ),
    "restricted folder": Case(
        "get", lambda w: f"/api/v1/folders/{w['budget'].pk}/", everyone(404, coordinator=200, staff=200)
    ),
    "document in the restricted folder": Case(
        "get", lambda w: f"/api/v1/documents/{w['secret'].pk}/", everyone(404, coordinator=200, staff=200)
    ),
    "download from the restricted folder": Case(
        "get", lambda w: f"/api/v1/documents/{w['secret'].pk}/download/", everyone(404, coordinator=200, staff=200)
    ),
    "access of the restricted folder": Case(
        "get", lambda w: f"/api/v1/folders/{w['budget'].pk}/access/", everyone(404, coordinator=200, staff=200)
    ),
    "general space": Case("get", lambda w: f"/api/v1/folders/{w['general'].pk}/", everyone(200)),
    "general document": Case("get", lambda w: f"/api/v1/documents/{w['statutes'].pk}/", everyone(200)),
    "general download": Case("get", lambda w: f"/api/v1/documents/{w['statutes'].pk}/download/", everyone(200)),
    "upload to the general space": Case(
        "post", lambda w: f"/api/v1/folders/{w['general'].pk}/documents/", general(201), data=a_file, format="multipart"
    ),
    "restore in the general space": Case(
        "post", lambda w: f"/api/v1/versions/{w['statutes_version'].pk}/restore/", general(201)
    ),
    "access of the general space": Case("get", lambda w: f"/api/v1/folders/{w['general'].pk}/access/", general(200)),
    "grant on the general space": Case(
        "post",
        lambda w: f"/api/v1/folders/{w['general'].pk}/access/",
        general(201),
        data=lambda w: {"group": "conseil-d-administration", "level": "upload"},
    ),
    "missing folder": Case("get", lambda w: "/api/v1/folders/999999/", everyone(404)),
    "missing document": Case("get", lambda w: "/api/v1/documents/999999/download/", everyone(404)),
    "missing version": Case("post", lambda w: "/api/v1/versions/999999/restore/", everyone(404)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ROLE_CASES))
def test_role_cast(route, role, world, cast):
    run_case(ROLE_CASES[route], world, cast, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", sorted(MORE_CASES))
def test_role_cast_of_other_methods_and_places(case, role, world, cast):
    run_case(MORE_CASES[case], world, cast, role)


# --- Uploads --------------------------------------------------------------------------------


def test_an_upload_through_the_api_writes_what_the_page_writes(world, cast, login, django_capture_on_commit_callbacks):
    folder = world["production"]
    with django_capture_on_commit_callbacks(execute=True):
        page = login(cast.production_member).post(
            reverse("documents:folder_upload", args=[folder.pk]),
            {"files": [SimpleUploadedFile("par-la-page.pdf", pdf_bytes("Cinéma de quartier"))], "description": "D"},
        )
        api = token_client(cast.production_member).post(
            f"/api/v1/folders/{folder.pk}/documents/",
            {"file": SimpleUploadedFile("par-l-api.pdf", pdf_bytes("Cinéma de plein air")), "description": "D"},
            format="multipart",
        )
    assert page.status_code == 302 and api.status_code == 201
    assert api["Location"] == f"/api/v1/documents/{api.json()['id']}/"
    by_page = Document.objects.get(name="par-la-page.pdf")
    by_api = Document.objects.get(pk=api.json()["id"])

    def written(document):
        version = document.current_version
        version.refresh_from_db()
        audit = AuditEntry.objects.get(target_type="document", target_id=str(document.pk))
        return {
            "folder": document.folder_id,
            "description": document.description,
            "created_by": document.created_by_id,
            "number": version.number,
            "content_type": version.content_type,
            "extraction": version.extraction_status,
            "stored": storage.path_of(version.stored_name).exists(),
            "audit": (audit.action, audit.actor_id, sorted(audit.details)),
            "index": SearchChange.objects.filter(kind="document", object_id=document.pk).count(),
        }

    assert written(by_api) == written(by_page)
    assert written(by_api)["audit"][0] == "document.uploaded" and written(by_api)["index"] >= 1
    extraction.extract_pending()  # what the extraction worker does after the uploads
    while indexer.apply_pending():
        pass
    found = token_client(cast.production_member).get("/api/v1/search/?q=plein+air").json()["results"]
    assert [hit["url"] for hit in found] == [reverse("documents:document", args=[by_api.pk])], found
    nobody_else = token_client(cast.diffusion_member).get("/api/v1/search/?q=plein+air").json()["results"]
    assert nobody_else == []


def test_a_file_of_an_existing_name_becomes_its_new_version(world, cast):
    response = token_client(cast.production_member).post(
        f"/api/v1/folders/{world['production'].pk}/documents/",
        {"file": SimpleUploadedFile("compte-rendu.txt", b"Version trois\n")},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["id"] == world["document"].pk
    assert response.json()["current_version"]["number"] == 3
    assert AuditEntry.objects.filter(action="document.version_added", target_id=str(world["document"].pk)).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"file": SimpleUploadedFile("programme.exe", b"MZ\x90\x00" + b"\x00" * 100)}, "pas acceptés"),
        ({"file": SimpleUploadedFile("rapport.pdf", b"pas un pdf du tout")}, "ne correspond pas"),
        ({"file": SimpleUploadedFile("vide.txt", b"")}, "vide"),
        ({"file": SimpleUploadedFile("gros.txt", b"x" * 5000)}, "limite"),
        ({"description": "Sans fichier"}, ""),
        ({"file": "pas un fichier"}, ""),
        ({"file": SimpleUploadedFile("note.txt", b"texte"), "description": "x" * 5001}, ""),
        (
            {"file": [SimpleUploadedFile("un.txt", b"un"), SimpleUploadedFile("deux.txt", b"deux")]},
            "un seul fichier",
        ),
    ],
    ids=["type", "lying-content", "empty", "too-big", "no-file", "not-a-file", "long-description", "two-files"],
)
def test_a_refused_upload_answers_400_and_leaves_no_row_and_no_file(world, cast, settings, data, message):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1000
    client = token_client(cast.production_member)
    before = set(DocumentVersion.objects.values_list("pk", flat=True))
    audit = AuditEntry.objects.count()
    response = client.post(f"/api/v1/folders/{world['production'].pk}/documents/", data, format="multipart")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["detail"] and body["errors"], body
    field = "description" if "description" in body["errors"] and "file" not in body["errors"] else "file"
    assert message in " ".join(body["errors"][field])
    assert set(DocumentVersion.objects.values_list("pk", flat=True)) == before
    assert AuditEntry.objects.count() == audit
    assert_nothing_left()


def test_an_upload_sent_as_json_is_refused(world, cast):
    response = token_client(cast.production_member).post(
        f"/api/v1/folders/{world['production'].pk}/documents/", {"file": "note.txt"}, format="json"
    )
    assert response.status_code == 415 and response.json()["detail"]


def test_a_reader_who_may_not_upload_gets_403_and_nothing_is_kept(world, cast):
    response = token_client(cast.diffusion_member).post(
        f"/api/v1/folders/{world['general'].pk}/documents/", a_file(), format="multipart"
    )
    assert response.status_code == 403
    assert not Document.objects.filter(name="ordre-du-jour.txt").exists()
    assert_nothing_left()


def test_an_upload_with_the_session_needs_its_csrf_token_and_keeps_nothing_without_it(world, cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.production_member, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/api/v1/folders/{world['production'].pk}/documents/"
    refused = client.post(url, a_file())
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert_nothing_left()
    client.get(reverse("documents:folder", args=[world["production"].pk]))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(url, a_file(), headers={"X-CSRFToken": token})
    assert accepted.status_code == 201
    assert_nothing_left()


# --- Downloads ------------------------------------------------------------------------------


def test_a_download_sends_the_bytes_with_the_pages_headers(world, cast, login):
    document = world["document"]
    api = token_client(cast.production_member).get(f"/api/v1/documents/{document.pk}/download/")
    page = login(cast.production_member).get(reverse("documents:document_download", args=[document.pk]))
    assert api.status_code == page.status_code == 200
    assert b"".join(api.streaming_content) == b"".join(page.streaming_content) == b"Version deux\n"
    for header in (
        "Content-Type",
        "Content-Length",
        "Content-Disposition",
        "X-Content-Type-Options",
        "Content-Security-Policy",
        "Cache-Control",
    ):
        assert api[header] == page[header], header
    assert api["Content-Disposition"] == 'attachment; filename="compte-rendu.txt"'
    assert api["X-Content-Type-Options"] == "nosniff"


def test_a_download_ignores_what_the_client_says_it_accepts_and_refuses_in_json(world, cast):
    client = token_client(cast.production_member)
    sent = client.get(f"/api/v1/versions/{world['first'].pk}/download/", HTTP_ACCEPT="application/pdf")
    assert sent.status_code == 200 and b"".join(sent.streaming_content) == b"Version une\n"
    refused = client.get("/api/v1/versions/999999/download/", HTTP_ACCEPT="application/octet-stream")
    assert refused.status_code == 404 and refused.json()["detail"]


def test_a_restricted_folders_documents_are_404_to_those_outside_it_even_by_id(world, cast):
    secret = world["secret"]
    version = secret.current_version
    client = token_client(cast.production_member)  # may upload in the space, not in Budget
    missing = client.get("/api/v1/documents/999999/")
    for path in (
        f"/api/v1/documents/{secret.pk}/",
        f"/api/v1/documents/{secret.pk}/download/",
        f"/api/v1/documents/{secret.pk}/versions/",
        f"/api/v1/versions/{version.pk}/download/",
        f"/api/v1/folders/{world['budget'].pk}/",
        f"/api/v1/folders/{world['budget'].pk}/access/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == missing.json(), path
    for path in (f"/api/v1/versions/{version.pk}/restore/", f"/api/v1/folders/{world['budget'].pk}/documents/"):
        assert client.post(path, a_file(), format="multipart").status_code == 404, path
    assert secret.versions.count() == 1
    folder = client.get(f"/api/v1/folders/{world['production'].pk}/").json()
    assert "Budget" not in [item["name"] for item in folder["subfolders"]]


def test_a_shared_folder_is_reachable_from_the_spaces_without_naming_the_folders_above(world, cast):
    actions.grant_folder_access(cast.coordinator, folder=world["budget"], user=cast.outsider, level=AccessLevel.VIEW)
    client = token_client(cast.outsider)
    spaces = {space["slug"]: space for space in client.get("/api/v1/spaces/").json()}
    production = spaces["college-production"]
    assert production["root_folder"] is None
    assert production["shared_folders"] == [{"id": world["budget"].pk, "name": "Budget"}]
    folder = client.get(f"/api/v1/folders/{world['budget'].pk}/").json()
    assert folder["above"] == [{"id": None, "name": None}]
    assert folder["permissions"] == {"upload": False, "manage": False, "see_access": False}


def test_a_member_restores_an_old_version_audited_as_on_the_page(world, cast):
    response = token_client(cast.production_member).post(f"/api/v1/versions/{world['first'].pk}/restore/")
    assert response.status_code == 201
    entry = AuditEntry.objects.get(action="document.version_restored")
    assert entry.actor_id == cast.production_member.pk and entry.details == {"restored": 1, "version": 3}
    assert SearchChange.objects.filter(kind="document", object_id=world["document"].pk).exists()


# --- Access ---------------------------------------------------------------------------------


def test_a_coordinator_grants_then_revokes_and_both_are_audited(world, cast):
    budget = world["budget"]
    coordinator, reader = token_client(cast.coordinator), token_client(cast.diffusion_member)
    url = f"/api/v1/folders/{budget.pk}/access/"
    assert reader.get(f"/api/v1/documents/{world['secret'].pk}/").status_code == 404
    granted = coordinator.post(url, {"user": cast.diffusion_member.pk, "level": "view"}, format="json")
    assert granted.status_code == 201
    assert granted.json()["user"]["id"] == cast.diffusion_member.pk and granted.json()["level"] == "view"
    assert reader.get(f"/api/v1/documents/{world['secret'].pk}/").status_code == 200
    assert reader.get(url).status_code == 403  # visible now, but not theirs to manage
    people = coordinator.get(url).json()["people"]["results"]
    entry = next(entry for entry in people if entry["person"]["id"] == cast.diffusion_member.pk)
    assert entry["level"] == "view" and entry["reasons"][0]["folder"] == {"id": budget.pk, "name": "Budget"}
    revoked = coordinator.delete(f"{url}?user={cast.diffusion_member.pk}")
    assert revoked.status_code == 204
    assert reader.get(f"/api/v1/documents/{world['secret'].pk}/").status_code == 404
    granted_entry = AuditEntry.objects.filter(action="folder.access_granted", target_id=str(budget.pk)).latest("pk")
    assert granted_entry.actor_id == cast.coordinator.pk
    assert granted_entry.details["to"] == {"user": cast.diffusion_member.email}
    revoked_entry = AuditEntry.objects.filter(action="folder.access_revoked", target_id=str(budget.pk)).latest("pk")
    assert revoked_entry.details == {"from": {"user": cast.diffusion_member.email}, "level": AccessLevel.VIEW}


def test_a_group_is_named_by_its_name_or_its_id_and_revoked_from_the_body_too(world, cast):
    budget = world["budget"]
    board = Group.objects.get(name="conseil-d-administration")
    client = token_client(cast.coordinator)
    url = f"/api/v1/folders/{budget.pk}/access/"
    by_name = client.post(url, {"group": board.name, "level": "upload"}, format="json")
    assert by_name.status_code == 201
    assert by_name.json()["group"] == {"id": board.pk, "name": board.name, "label": "Conseil d'administration"}
    by_id = client.post(url, {"group": str(board.pk), "level": "manage"}, format="json")
    assert by_id.status_code == 201 and by_id.json()["level"] == "manage"
    assert token_client(cast.board_member).get(f"/api/v1/folders/{budget.pk}/access/").status_code == 200
    assert client.delete(url, {"group": board.pk}, format="json").status_code == 204
    assert token_client(cast.board_member).get(f"/api/v1/folders/{budget.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "view"}, "non_field_errors"),
        ({"user": 999999, "level": "view"}, "user"),
        ({"user": "moi", "level": "view"}, "user"),
        ({"group": "inconnu", "level": "view"}, "group"),
        ({"group": "999999", "level": "view"}, "group"),
        ({"group": "conseil-d-administration", "level": "owner"}, "level"),
        ({"group": "conseil-d-administration", "level": 2}, "level"),
        ({"group": "conseil-d-administration"}, "level"),
        ({"user": 1, "group": "conseil-d-administration", "level": "view"}, "non_field_errors"),
        (["user"], "non_field_errors"),
    ],
)
def test_a_grant_with_bad_input_answers_400_with_its_errors(world, cast, body, field):
    if isinstance(body, dict) and body.get("user") == 1:
        body = {**body, "user": cast.diffusion_member.pk}
    response = token_client(cast.coordinator).post(f"/api/v1/folders/{world['budget'].pk}/access/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["errors"], response.json()
    assert not AuditEntry.objects.filter(action="folder.access_granted", target_id=str(world["budget"].pk)).exists()


def test_a_deactivated_account_cannot_be_granted_access(world, cast):
    from intranet import actions as core_actions

    core_actions.deactivate_member(cast.staff, user=cast.outsider)
    response = token_client(cast.coordinator).post(
        f"/api/v1/folders/{world['budget'].pk}/access/", {"user": cast.outsider.pk, "level": "view"}, format="json"
    )
    assert response.status_code == 400 and "user" in response.json()["errors"]


@pytest.mark.parametrize("query", ["", "?user=abc", "?group=inconnu", f"?group={PRODUCTION_MEMBERS_GROUP}"])
def test_a_revocation_with_bad_input_or_nothing_to_revoke_answers_400(world, cast, query):
    # The members' group has no access written on Budget any more (the world revoked it).
    response = token_client(cast.coordinator).delete(f"/api/v1/folders/{world['budget'].pk}/access/{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


# --- Query budgets ------------------------------------------------------------------------


def test_a_folders_listing_costs_the_same_with_5_or_30_documents(world, cast, django_assert_max_num_queries):
    folder = actions.create_folder(cast.coordinator, parent=world["production"], name="Archives")
    client = token_client(cast.production_member)
    url = f"/api/v1/folders/{folder.pk}/"

    def fill(count):
        for index in range(count):
            upload(cast.production_member, folder, f"n{index}-{count}.txt", b"x")
            actions.create_folder(cast.coordinator, parent=folder, name=f"Sous {index}-{count}")

    fill(5)
    with django_assert_max_num_queries(20) as few:
        assert len(client.get(url).json()["documents"]["results"]) == 5
    fill(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["documents"]["results"]) == 30


def test_the_versions_list_costs_the_same_with_2_or_20_versions(world, cast, django_assert_max_num_queries):
    client = token_client(cast.production_member)
    url = f"/api/v1/documents/{world['document'].pk}/versions/"
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).json()["count"] == 2
    for index in range(18):
        person = cast.coordinator if index % 2 else cast.production_member
        upload(person, world["production"], "compte-rendu.txt", f"v{index}".encode())
    actions.restore_version(cast.coordinator, version=world["first"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 21


def test_the_spaces_list_costs_the_same_with_more_shared_folders(world, cast, django_assert_max_num_queries):
    client = token_client(cast.outsider)
    with django_assert_max_num_queries(20) as few:
        assert client.get("/api/v1/spaces/").status_code == 200
    for index in range(5):
        folder = actions.create_folder(cast.coordinator, parent=world["production"], name=f"Partage {index}")
        actions.grant_folder_access(cast.coordinator, folder=folder, user=cast.outsider, level=AccessLevel.VIEW)
    with django_assert_max_num_queries(len(few.captured_queries)):
        spaces = {space["slug"]: space for space in client.get("/api/v1/spaces/").json()}
    assert len(spaces["college-production"]["shared_folders"]) == 5


def test_the_access_list_costs_the_same_with_more_people_and_grants(world, cast, django_assert_max_num_queries):
    client = token_client(cast.coordinator)
    url = f"/api/v1/folders/{world['budget'].pk}/access/"
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for index in range(15):
        person = make_member(actor=cast.staff, college="production", email=f"en.plus{index}@example.org")
        actions.grant_folder_access(cast.staff, folder=world["budget"], user=person, level=AccessLevel.VIEW)
    actions.grant_folder_access(
        cast.staff, folder=world["budget"], group=Group.objects.get(name="conseil-d-administration"), level=1
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).json()
    assert body["people"]["count"] >= 17 and len(body["grants"]) >= 17
