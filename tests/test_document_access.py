"""The folder policy: defaults, inheritance, restricted folders, grants, and "who can see this, and why"."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from documents import actions, policies, selectors, who_has_access
from documents.models import AccessLevel, Document, Folder, FolderGroupPermission, FolderUserPermission
from intranet.models import AuditEntry, User
from tests.helpers import recount_navigation, root_of

CAST = [
    "staff", "coordinator", "production_member", "president", "diffusion_member",
    "board_member", "secretary", "education_member", "patrimoine_member", "outsider",
]  # fmt: skip

# Default levels in each kind of space (0: none), before anyone changes anything.
EXPECTED_DEFAULTS = {
    "college-production": {"staff": 3, "coordinator": 3, "production_member": 2, "president": 2},
    "conseil-d-administration": {"staff": 3, "board_member": 2, "president": 2, "secretary": 2},
    "association": dict.fromkeys(CAST, 1) | {"staff": 3},
}


@pytest.mark.parametrize("space", sorted(EXPECTED_DEFAULTS))
def test_default_access_of_each_space(cast, space):
    folder = actions.create_folder(cast.staff, parent=root_of(space), name="Sous-dossier")
    for name in CAST:
        person = User.objects.get(pk=getattr(cast, name).pk)
        expected = EXPECTED_DEFAULTS[space].get(name, 0)
        assert policies.folder_level(person, folder) == expected, name
        assert selectors.visible_folders(person).filter(pk=folder.pk).exists() == (expected > 0), name


# What each level allows on a page: (url name, method, data) → status by level.
@pytest.fixture
def budget(cast):
    return actions.create_folder(cast.coordinator, parent=root_of("college-production"), name="Budget")


@pytest.fixture
def budget_with_a_reader(cast, budget):
    """The cast then covers every level: a member of another collège may only view."""
    actions.grant_folder_access(cast.staff, folder=budget, user=cast.diffusion_member, level=AccessLevel.VIEW)
    return budget


PAGE_CASES = [
    ("documents:folder", "get", {0: 404, 1: 200, 2: 200, 3: 200}),
    ("documents:folder_rename", "get", {0: 404, 1: 403, 2: 403, 3: 200}),
    ("documents:folder_move", "get", {0: 404, 1: 403, 2: 403, 3: 200}),
    ("documents:folder_delete", "get", {0: 404, 1: 403, 2: 403, 3: 200}),
    ("documents:folder_access", "get", {0: 404, 1: 403, 2: 403, 3: 200}),
    ("documents:folder_create", "post", {0: 404, 1: 403, 2: 302, 3: 302}),
]


@pytest.mark.parametrize("person", CAST)
@pytest.mark.parametrize(("url_name", "method", "by_level"), PAGE_CASES)
def test_folder_pages_answer_by_level(cast, login, budget_with_a_reader, person, url_name, method, by_level):
    budget = budget_with_a_reader
    user = getattr(cast, person)
    level = policies.folder_level(User.objects.get(pk=user.pk), budget)
    client = login(user)
    url = reverse(url_name, args=[budget.pk])
    response = client.post(url, {"name": f"Nouveau {person}"}) if method == "post" else client.get(url)
    assert response.status_code == by_level[level], (person, level)


@pytest.mark.parametrize("person", CAST)
def test_upload_answers_by_level(cast, login, budget_with_a_reader, person):
    budget = budget_with_a_reader
    user = getattr(cast, person)
    level = policies.folder_level(User.objects.get(pk=user.pk), budget)
    response = login(user).post(
        reverse("documents:folder_upload", args=[budget.pk]),
        data=b"Budget previsionnel",
        content_type="application/octet-stream",
        headers={"X-File-Name": f"budget-{person}.txt"},
    )
    assert response.status_code == {0: 404, 1: 403, 2: 201, 3: 201}[level]


DOCUMENT_CASES = [
    ("documents:document", "get", {0: 404, 1: 200, 2: 200, 3: 200}),
    ("documents:document_download", "get", {0: 404, 1: 200, 2: 200, 3: 200}),
    ("documents:version_download", "get", {0: 404, 1: 200, 2: 200, 3: 200}),
    ("documents:document_edit", "get", {0: 404, 1: 403, 2: 200, 3: 200}),
    ("documents:document_move", "get", {0: 404, 1: 403, 2: 403, 3: 200}),
    ("documents:document_delete", "get", {0: 404, 1: 403, 2: 403, 3: 200}),
    ("documents:document_access", "get", {0: 404, 1: 403, 2: 403, 3: 200}),
    ("documents:version_restore", "post", {0: 404, 1: 403, 2: 302, 3: 302}),
    ("documents:document_upload_version", "raw", {0: 404, 1: 403, 2: 201, 3: 201}),
]


@pytest.mark.parametrize("person", CAST)
@pytest.mark.parametrize(("url_name", "method", "by_level"), DOCUMENT_CASES)
def test_document_actions_answer_by_level(cast, login, budget_with_a_reader, person, url_name, method, by_level):
    from tests.factories import make_incoming

    document, version, _created = actions.upload_document(
        cast.coordinator, folder=budget_with_a_reader, incoming=make_incoming("plan.txt", b"version 1")
    )
    user = getattr(cast, person)
    level = policies.folder_level(User.objects.get(pk=user.pk), budget_with_a_reader)
    client = login(user)
    args = [version.pk] if url_name.startswith("documents:version") else [document.pk]
    url = reverse(url_name, args=args)
    if method == "raw":
        headers = {"X-File-Name": "plan.txt"}
        response = client.post(url, data=b"version 2", content_type="application/octet-stream", headers=headers)
    else:
        response = client.post(url) if method == "post" else client.get(url)
    assert response.status_code == by_level[level], (person, level)
    changed = by_level[level] in (201, 302) and method != "get"
    assert document.versions.count() == (2 if changed else 1)


def test_a_coordinator_restricts_a_folder_to_the_board(cast, login, budget):
    inner = actions.create_folder(cast.coordinator, parent=budget, name="Subventions")
    client = login(cast.coordinator)
    client.post(reverse("documents:folder_restrict", args=[budget.pk]), {"restricted": "1"})
    college = cast.coordinator.college_memberships.get().college
    client.post(reverse("documents:folder_revoke", args=[budget.pk]), {"kind": "group", "id": college.members_group_id})
    board = Group.objects.get(name="conseil-d-administration")
    response = client.post(
        reverse("documents:folder_access", args=[budget.pk]), {"group": board.pk, "level": AccessLevel.VIEW}
    )
    assert response.status_code == 302
    for folder in (budget, inner):
        assert login(cast.production_member).get(reverse("documents:folder", args=[folder.pk])).status_code == 404
        assert login(cast.board_member).get(reverse("documents:folder", args=[folder.pk])).status_code == 200
        assert login(cast.coordinator).get(reverse("documents:folder_access", args=[folder.pk])).status_code == 200
    # The rest of the space is unchanged.
    assert login(cast.production_member).get(reverse("documents:folder", args=[budget.parent_id])).status_code == 200
    assert login(cast.board_member).get(reverse("documents:folder", args=[budget.parent_id])).status_code == 404
    actions_logged = list(AuditEntry.objects.filter(target_id=str(budget.pk)).values_list("action", flat=True))
    assert {"folder.restricted", "folder.access_revoked", "folder.access_granted"} <= set(actions_logged)


def test_restricting_keeps_inherited_access_until_the_manager_removes_it(cast, budget):
    budget = actions.set_folder_restricted(cast.coordinator, folder=budget, restricted=True)
    member = User.objects.get(pk=cast.production_member.pk)
    assert policies.folder_level(member, budget) == AccessLevel.UPLOAD
    grants = {
        (grant.group.name if grant.group else grant.user.email, grant.level)
        for grant in who_has_access.grants_on([budget.pk])
    }
    assert ("college-production-membres", AccessLevel.UPLOAD) in grants
    assert ("college-production-animation", AccessLevel.MANAGE) in grants


def test_unrestricting_inherits_again(cast, budget):
    budget = actions.set_folder_restricted(cast.coordinator, folder=budget, restricted=True)
    college_members = cast.coordinator.college_memberships.get().college.members_group
    actions.revoke_folder_access(cast.coordinator, folder=budget, group=college_members)
    member = User.objects.get(pk=cast.production_member.pk)
    assert policies.folder_level(member, budget) == 0
    budget = actions.set_folder_restricted(cast.coordinator, folder=budget, restricted=False)
    assert policies.folder_level(User.objects.get(pk=member.pk), budget) == AccessLevel.UPLOAD


def test_grant_to_a_person_of_another_college(cast, login, budget):
    client = login(cast.coordinator)
    response = client.post(
        reverse("documents:folder_access", args=[budget.pk]),
        {"person": f"Agnès Quelconque (@{cast.diffusion_member.handle})", "level": AccessLevel.VIEW},
    )
    assert response.status_code == 302
    diffusion = login(cast.diffusion_member)
    assert diffusion.get(reverse("documents:folder", args=[budget.pk])).status_code == 200
    # The space's top folder stays closed; the shared folder is listed on the documents page.
    assert diffusion.get(reverse("documents:folder", args=[budget.parent_id])).status_code == 404
    index = diffusion.get(reverse("documents:index")).content.decode()
    assert "Budget" in index
    folder_page = diffusion.get(reverse("documents:folder", args=[budget.pk])).content.decode()
    assert "Production" not in folder_page.split("<main")[1].split("</nav>")[0]  # the name above is not shown
    entry = AuditEntry.objects.get(action="folder.access_granted", target_id=str(budget.pk))
    assert entry.actor_id == cast.coordinator.pk and cast.diffusion_member.email in str(entry.details)


@pytest.fixture
def secret_above_shared(cast):
    """Staff shut the coordinator out of a restricted folder but share a subfolder with them."""
    secret = actions.create_folder(cast.staff, parent=root_of("college-production"), name="Dossier confidentiel")
    shared = actions.create_folder(cast.staff, parent=secret, name="Partage")
    secret = actions.set_folder_restricted(cast.staff, folder=secret, restricted=True)
    for grant in who_has_access.grants_on([secret.pk]):
        actions.revoke_folder_access(cast.staff, folder=secret, user=grant.user, group=grant.group)
    shared = actions.set_folder_restricted(cast.staff, folder=shared, restricted=False)
    actions.grant_folder_access(cast.staff, folder=shared, user=cast.coordinator, level=AccessLevel.MANAGE)
    actions.grant_folder_access(cast.staff, folder=secret, user=cast.president, level=AccessLevel.VIEW)
    return secret, shared


def test_pages_of_a_shared_folder_never_name_the_closed_folder_above(cast, login, secret_above_shared):
    from tests.factories import make_incoming

    secret, shared = secret_above_shared
    document, _version, _created = actions.upload_document(
        cast.staff, folder=shared, incoming=make_incoming("note.txt", b"texte")
    )
    client = login(cast.coordinator)
    assert client.get(reverse("documents:folder", args=[secret.pk])).status_code == 404
    for url in (
        reverse("documents:folder", args=[shared.pk]),
        reverse("documents:folder_access", args=[shared.pk]),
        reverse("documents:document_move", args=[document.pk]),
        reverse("documents:document", args=[document.pk]),
        reverse("documents:index"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "confidentiel" not in response.content.decode(), url


def test_a_manager_of_the_folder_above_cannot_see_or_restore_a_trashed_folder_closed_to_them(
    cast, login, secret_above_shared
):
    secret, _shared = secret_above_shared
    actions.trash_folder(cast.staff, folder=secret)
    client = login(cast.coordinator)
    assert "confidentiel" not in client.get(reverse("documents:trash", args=["college-production"])).content.decode()
    assert client.post(reverse("documents:trash_restore", args=["folder", secret.pk])).status_code == 404
    assert Folder.objects.get(pk=secret.pk).in_trash


def test_the_access_page_shows_addresses_only_as_the_directory_does(cast, login, budget):
    from intranet.models import Profile

    Profile.objects.filter(user=cast.production_member).update(show_email=False)
    Profile.objects.filter(user=cast.president).update(show_email=True)
    page = login(cast.coordinator).get(reverse("documents:folder_access", args=[budget.pk])).content.decode()
    assert cast.production_member.email not in page
    assert f"@{cast.production_member.handle}" in page
    assert cast.president.email in page


def test_grant_form_keeps_what_was_typed_and_says_what_is_wrong(cast, login, budget):
    client = login(cast.coordinator)
    response = client.post(
        reverse("documents:folder_access", args=[budget.pk]), {"person": "personne@inconnue.example", "level": 1}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "personne@inconnue.example" in page
    assert not FolderUserPermission.objects.filter(content_object=budget).exists()


def test_a_member_who_may_upload_cannot_change_access(cast, login, budget):
    client = login(cast.production_member)
    response = client.post(
        reverse("documents:folder_access", args=[budget.pk]),
        {"person": cast.production_member.email, "level": AccessLevel.MANAGE},
    )
    assert response.status_code == 403
    assert not FolderUserPermission.objects.exists()


def test_effective_access_lists_every_person_with_their_reasons(cast, login, budget):
    actions.grant_folder_access(cast.staff, folder=budget, user=cast.diffusion_member, level=AccessLevel.VIEW)
    deep = actions.create_folder(cast.coordinator, parent=budget, name="2027")
    access = {entry.person.email: entry for entry in who_has_access.effective_access(deep)}
    assert access[cast.diffusion_member.email].level == AccessLevel.VIEW
    [reason] = access[cast.diffusion_member.email].reasons
    assert reason.folder.pk == budget.pk and reason.group is None
    member_reasons = access[cast.production_member.email].reasons
    assert [(reason.folder.pk, reason.group.name) for reason in member_reasons] == [
        (budget.parent_id, "college-production-membres")
    ]
    assert access[cast.staff.email].reasons[0].staff
    assert cast.education_member.email not in access
    page = login(cast.staff).get(reverse("documents:folder_access", args=[deep.pk])).content.decode()
    assert cast.diffusion_member.email in page and "Budget" in page


def test_effective_access_matches_a_brute_force_answer_on_a_random_tree(cast):
    """Random trees, restricted folders and grants: the policy, the visible-folder query and the
    effective-access view all agree with a plain walk up the tree."""
    rng = random.Random(20261125)
    people = [User.objects.get(pk=getattr(cast, name).pk) for name in CAST]
    groups = list(Group.objects.all())
    root = root_of("college-production")
    folders = [root]
    for index in range(25):
        parent = rng.choice(folders)
        folder = actions.create_folder(cast.staff, parent=parent, name=f"Dossier {index}")
        if rng.random() < 0.3:
            actions.set_folder_restricted(cast.staff, folder=folder, restricted=True)
        for _ in range(rng.randint(0, 2)):
            level = rng.choice(list(AccessLevel))
            if rng.random() < 0.5:
                actions.grant_folder_access(cast.staff, folder=folder, user=rng.choice(people), level=level)
            else:
                actions.grant_folder_access(cast.staff, folder=folder, group=rng.choice(groups), level=level)
        if rng.random() < 0.2 and index:
            target = rng.choice(
                [item for item in folders if not item.path.startswith(Folder.objects.get(pk=folder.pk).path)]
            )
            actions.move_folder(cast.staff, folder=Folder.objects.get(pk=folder.pk), target=target)
        folders.append(Folder.objects.get(pk=folder.pk))
    folders = list(Folder.objects.filter(space=root.space))

    by_id = {folder.pk: folder for folder in folders}
    group_ids = {person.pk: set(person.groups.values_list("pk", flat=True)) for person in people}
    user_grants = {
        (row.user_id, row.content_object_id): row.permission.codename for row in FolderUserPermission.objects.all()
    }
    group_grants = [
        (row.group_id, row.content_object_id, row.permission.codename) for row in FolderGroupPermission.objects.all()
    ]
    levels = {"view_folder": 1, "upload_folder": 2, "manage_folder": 3}

    def brute_force(person, folder):
        if person.is_staff:
            return 3
        best, current = 0, folder
        while current is not None:
            if (person.pk, current.pk) in user_grants:
                best = max(best, levels[user_grants[(person.pk, current.pk)]])
            for group_id, folder_id, codename in group_grants:
                if folder_id == current.pk and group_id in group_ids[person.pk]:
                    best = max(best, levels[codename])
            if current.restricted:
                break
            current = by_id.get(current.parent_id)
        return best

    for folder in folders:
        access = {entry.person.pk: entry.level for entry in who_has_access.effective_access(folder)}
        for person in people:
            expected = brute_force(person, folder)
            assert policies.folder_level(person, folder) == expected, (person.email, folder.name)
            assert access.get(person.pk, 0) == expected, (person.email, folder.name)
    for person in people:
        expected_visible = {folder.pk for folder in folders if brute_force(person, folder) > 0}
        visible = set(selectors.visible_folders(person).filter(space=root.space).values_list("pk", flat=True))
        assert visible == expected_visible, person.email


def test_folder_page_queries_do_not_grow_with_documents_or_grants(cast, login, budget, django_assert_max_num_queries):
    from tests.factories import make_incoming

    client = login(cast.production_member)
    url = reverse("documents:folder", args=[budget.pk])

    def fill(count):
        for index in range(count):
            actions.upload_document(
                cast.production_member, folder=budget, incoming=make_incoming(f"n{index}-{count}.txt", b"x")
            )
            actions.create_folder(cast.coordinator, parent=budget, name=f"Sous {index}-{count}")

    fill(2)
    recount_navigation(cast.production_member)
    with django_assert_max_num_queries(16) as few:
        assert client.get(url).status_code == 200
    fill(20)
    for person in (cast.diffusion_member, cast.education_member):
        actions.grant_folder_access(cast.staff, folder=budget, user=person, level=AccessLevel.VIEW)
    recount_navigation(cast.coordinator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_access_page_queries_do_not_grow_with_people(cast, login, budget, django_assert_max_num_queries, settings):
    from tests.factories import make_member

    # Without a cache, both pages build the people suggestions: the same work, compared fairly.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    client = login(cast.coordinator)
    url = reverse("documents:folder_access", args=[budget.pk])
    recount_navigation(cast.coordinator)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for index in range(15):
        person = make_member(actor=cast.staff, college="production", email=f"en.plus{index}@example.org")
        actions.grant_folder_access(cast.staff, folder=budget, user=person, level=AccessLevel.VIEW)
    recount_navigation(cast.coordinator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# Every documents route, with the object it acts on in the Production space: anonymous visitors
# go to the login page, and a member of another collège gets the 404 of a missing object.
DOCUMENT_ROUTES = {
    "index": ("get", lambda objects: []),
    "recent": ("get", lambda objects: []),
    "space": ("get", lambda objects: ["college-production"]),
    "trash": ("get", lambda objects: ["college-production"]),
    "trash_restore": ("post", lambda objects: ["document", objects["trashed"].pk]),
    "trash_purge": ("post", lambda objects: ["document", objects["trashed"].pk]),
    "folder": ("get", lambda objects: [objects["folder"].pk]),
    "folder_create": ("post", lambda objects: [objects["folder"].pk]),
    "folder_upload": ("post", lambda objects: [objects["folder"].pk]),
    "folder_rename": ("get", lambda objects: [objects["folder"].pk]),
    "folder_move": ("get", lambda objects: [objects["folder"].pk]),
    "folder_delete": ("post", lambda objects: [objects["folder"].pk]),
    "folder_access": ("get", lambda objects: [objects["folder"].pk]),
    "folder_revoke": ("post", lambda objects: [objects["folder"].pk]),
    "folder_restrict": ("post", lambda objects: [objects["folder"].pk]),
    "document": ("get", lambda objects: [objects["document"].pk]),
    "document_download": ("get", lambda objects: [objects["document"].pk]),
    "document_edit": ("get", lambda objects: [objects["document"].pk]),
    "document_move": ("get", lambda objects: [objects["document"].pk]),
    "document_delete": ("post", lambda objects: [objects["document"].pk]),
    "document_access": ("get", lambda objects: [objects["document"].pk]),
    "document_upload_version": ("post", lambda objects: [objects["document"].pk]),
    "version_download": ("get", lambda objects: [objects["document"].current_version_id]),
    "version_preview": ("get", lambda objects: [objects["document"].current_version_id]),
    "version_restore": ("post", lambda objects: [objects["document"].current_version_id]),
}
OPEN_TO_EVERY_MEMBER = {"index", "recent"}


@pytest.fixture
def production_objects(cast, budget):
    from documents.samples import pdf_bytes
    from tests.factories import make_incoming

    document, _version, _created = actions.upload_document(
        cast.production_member, folder=budget, incoming=make_incoming("plan.pdf", pdf_bytes("Plan"))
    )
    trashed, _version, _created = actions.upload_document(
        cast.production_member, folder=budget, incoming=make_incoming("ancien.txt", b"ancien")
    )
    actions.trash_document(cast.coordinator, document=trashed)
    return {"folder": budget, "document": document, "trashed": trashed}


def test_every_documents_route_has_its_cases():
    from django.urls import get_resolver

    _prefix, resolver = get_resolver().namespace_dict["documents"]
    assert {name for name in resolver.reverse_dict if isinstance(name, str)} == set(DOCUMENT_ROUTES)


@pytest.mark.parametrize("name", sorted(DOCUMENT_ROUTES))
def test_anonymous_visitors_are_sent_to_login_from_every_documents_route(client, production_objects, name):
    method, args = DOCUMENT_ROUTES[name]
    response = getattr(client, method)(reverse(f"documents:{name}", args=args(production_objects)))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(set(DOCUMENT_ROUTES) - OPEN_TO_EVERY_MEMBER))
@pytest.mark.parametrize("person", ["diffusion_member", "board_member", "outsider"])
def test_members_of_other_colleges_get_404_on_every_documents_route(cast, login, production_objects, name, person):
    method, args = DOCUMENT_ROUTES[name]
    response = getattr(login(getattr(cast, person)), method)(
        reverse(f"documents:{name}", args=args(production_objects))
    )
    assert response.status_code == 404
    assert Document.objects.filter(pk=production_objects["trashed"].pk, deleted_at__isnull=False).exists()


def test_the_matrix_cast_covers_every_level(cast, budget_with_a_reader):
    levels = {policies.folder_level(User.objects.get(pk=getattr(cast, name).pk), budget_with_a_reader) for name in CAST}
    assert levels == {0, 1, 2, 3}
