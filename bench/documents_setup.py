"""Fill a migrated, throwaway database for bench/documents.py: people, groups, folders, documents.

Called by ``bench/documents.py`` once Django is set up on the benchmark's own database. The
project's actions create one row at a time (each folder or document is a transaction with its
audit row): far too slow for 100,000 documents, so everything here is written with
``bulk_create``, with explicit primary keys so that the tree's ``path`` and ``access_root`` are
known before the rows are inserted, following the rules of ``documents.models``:

- ``path`` is the parent's path followed by the folder's own id ("/1/5/9/");
- ``access_root`` is the folder itself when it is restricted, else its parent's access root
  (the space's root folder is its own access root).

What is built (sizes from the arguments, defaults of the issue in brackets):

- people [2,000]: 5 staff, the others spread over the 4 collèges (1 in 10 in a second collège
  too), the first 10 of each collège its coordinators; collège memberships and the managed groups
  (all members, collège members, collège coordinators, staff) as ``sync_user_groups`` would leave
  them; passwords unusable, never hashed;
- project groups: one per 50 people, 50 random people each (groups that are not bodies of the
  association, as staff create them for working groups);
- folders [2,000] in the 4 collège spaces, under the roots made by the migration: in each space
  a chain of ``DEEP_CHAIN`` nested folders (the "deep folder" is its last), the others in a random
  tree at most 5 levels deep; 5 % of the others restricted, with grants of their own (the
  collège's coordinators manage, a project group uploads, half of them also visible to the
  collège's members); 5 % shared with a project group from any collège; 1 % granted to one person;
  on the deep chain, grants to two project groups and one person from another collège;
- documents [100,000], spread evenly over the folders (50 each by default), each with one version
  (``current_version`` set; fake stored names, no files on disk), last changes spread over 2 years.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

DEEP_CHAIN = 12  # depth of the deep folder below its space's root
MAX_RANDOM_DEPTH = 5
STAFF_COUNT = 5
COORDINATORS_PER_COLLEGE = 10
PROJECT_GROUP_SIZE = 50
BATCH = 2000
UNUSABLE_PASSWORD = "!bench-documents-unusable"  # noqa: S105 - starts with "!": never a valid hash


@dataclass
class Built:
    """What the benchmark needs to know about the data it measures."""

    users: int = 0
    staff_ids: list[int] = field(default_factory=list)
    folders: int = 0
    documents: int = 0
    project_groups: int = 0
    group_grants: int = 0
    user_grants: int = 0
    restricted: int = 0
    # Per collège slug: member ids (not coordinators), coordinator ids, the deep folder's id.
    members: dict[str, list[int]] = field(default_factory=dict)
    coordinators: dict[str, list[int]] = field(default_factory=dict)
    deep_folder: dict[str, int] = field(default_factory=dict)
    # Unrestricted folders at depth 2–4 with documents, per collège slug (for the folder listing).
    listing_candidates: dict[str, list[int]] = field(default_factory=dict)
    documents_per_folder: dict[int, int] = field(default_factory=dict)


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def build(*, users: int, folders: int, documents: int, seed: int = 20261125) -> Built:
    from django.contrib.auth.models import Group, Permission
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from documents.models import (
        Document,
        DocumentVersion,
        ExtractionStatus,
        Folder,
        FolderGroupPermission,
        FolderUserPermission,
        Space,
    )
    from intranet.groups import ALL_MEMBERS_GROUP, STAFF_GROUP, system_group
    from intranet.models import College, CollegeMembership, CollegeRole, Profile, User

    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    built = Built()
    colleges = list(College.objects.order_by("position").select_related("members_group", "coordinators_group"))
    spaces = {space.college_id: space for space in Space.objects.filter(college__in=colleges)}
    roots = {folder.space_id: folder for folder in Folder.objects.filter(parent__isnull=True)}
    permissions = {
        permission.codename: permission.pk
        for permission in Permission.objects.filter(content_type__app_label="documents", codename__endswith="_folder")
    }
    view, upload, manage = permissions["view_folder"], permissions["upload_folder"], permissions["manage_folder"]
    UserGroup = User.groups.through

    with transaction.atomic():
        # --- People and their groups ------------------------------------------------------------
        all_members, staff_group = system_group(ALL_MEMBERS_GROUP), system_group(STAFF_GROUP)
        first_user = _next_id(User)
        people, memberships, user_groups = [], [], []
        by_college: dict[int, list[int]] = {college.pk: [] for college in colleges}
        # 10 per collège at the size; fewer in small runs, so that plain members remain.
        per_college = (users - STAFF_COUNT) // len(colleges)
        coordinators_per_college = max(1, min(COORDINATORS_PER_COLLEGE, per_college // 10))
        for index in range(users):
            pk = first_user + index
            is_staff = index < STAFF_COUNT
            people.append(
                User(
                    pk=pk,
                    email=f"banc.doc{index:05d}@example.org",
                    first_name=f"Prénom{index % 97:02d}",
                    last_name=f"Banc{index:05d}",
                    handle=f"banc.doc{index:05d}",
                    password=UNUSABLE_PASSWORD,
                    is_staff=is_staff,
                )
            )
            user_groups.append(UserGroup(user_id=pk, group_id=all_members.pk))
            if is_staff:
                user_groups.append(UserGroup(user_id=pk, group_id=staff_group.pk))
                built.staff_ids.append(pk)
                continue
            own = [colleges[index % len(colleges)]]
            if index % 10 == 0:
                own.append(colleges[(index + 1) % len(colleges)])
            for college in own:
                by_college[college.pk].append(pk)
                coordinator = len(built.coordinators.setdefault(college.slug, [])) < coordinators_per_college
                if coordinator:
                    built.coordinators[college.slug].append(pk)
                else:
                    built.members.setdefault(college.slug, []).append(pk)
                memberships.append(
                    CollegeMembership(
                        user_id=pk,
                        college=college,
                        role=CollegeRole.COORDINATOR if coordinator else CollegeRole.MEMBER,
                    )
                )
                user_groups.append(UserGroup(user_id=pk, group_id=college.members_group_id))
                if coordinator:
                    user_groups.append(UserGroup(user_id=pk, group_id=college.coordinators_group_id))
        User.objects.bulk_create(people, batch_size=BATCH)
        Profile.objects.bulk_create([Profile(user_id=person.pk) for person in people], batch_size=BATCH)
        CollegeMembership.objects.bulk_create(memberships, batch_size=BATCH)

        regular = [person.pk for person in people if not person.is_staff]
        project_groups = []
        for number in range(max(1, users // PROJECT_GROUP_SIZE)):
            group = Group.objects.create(name=f"banc-projet-{number:03d}")
            project_groups.append(group.pk)
            for pk in rng.sample(regular, min(PROJECT_GROUP_SIZE, len(regular))):
                user_groups.append(UserGroup(user_id=pk, group_id=group.pk))
        UserGroup.objects.bulk_create(user_groups, batch_size=BATCH)
        built.users, built.project_groups = users, len(project_groups)

        # --- Folders ----------------------------------------------------------------------------
        next_folder = _next_id(Folder)
        rows: list[Folder] = []
        group_grants: list[FolderGroupPermission] = []
        user_grants: list[FolderUserPermission] = []
        now = timezone.now()

        def add_folder(parent: Folder, name: str, depth: int, restricted: bool = False) -> Folder:
            nonlocal next_folder
            pk, next_folder = next_folder, next_folder + 1
            folder = Folder(
                pk=pk,
                space_id=parent.space_id,
                parent_id=parent.pk,
                name=name,
                path=f"{parent.path}{pk}/",
                access_root_id=pk if restricted else parent.access_root_id,
                restricted=restricted,
                created_at=now,
            )
            folder.depth = depth
            rows.append(folder)
            return folder

        per_space = [folders // len(colleges) + (1 if i < folders % len(colleges) else 0) for i in range(len(colleges))]
        created = 0
        for college, count in zip(colleges, per_space, strict=True):
            space = spaces[college.pk]
            root = roots[space.pk]
            root.depth = 0
            # The deep chain first: each folder inside the previous one.
            chain, parent = [], root
            for level in range(1, min(DEEP_CHAIN, max(1, count // 2)) + 1):  # small runs keep a tree too
                parent = add_folder(parent, f"Niveau {level:02d}", level)
                chain.append(parent)
            built.deep_folder[college.slug] = chain[-1].pk
            if len(chain) >= 8:
                chain_groups = rng.sample(project_groups, min(2, len(project_groups)))
                group_grants.append(
                    FolderGroupPermission(group_id=chain_groups[0], permission_id=view, content_object_id=chain[3].pk)
                )
                group_grants.append(
                    FolderGroupPermission(
                        group_id=chain_groups[-1], permission_id=upload, content_object_id=chain[7].pk
                    )
                )
                outsider = rng.choice([pk for pk in regular if pk not in by_college[college.pk]] or regular)
                user_grants.append(
                    FolderUserPermission(user_id=outsider, permission_id=view, content_object_id=chain[7].pk)
                )
            # Then a random tree, at most MAX_RANDOM_DEPTH deep.
            parents = [root]
            for _index in range(count - len(chain)):
                parent = rng.choice(parents)
                restricted = rng.random() < 0.05
                folder = add_folder(parent, f"Dossier {created:05d}", parent.depth + 1, restricted)
                created += 1
                if folder.depth < MAX_RANDOM_DEPTH:
                    parents.append(folder)
                if restricted:
                    built.restricted += 1
                    group_grants.append(
                        FolderGroupPermission(
                            group_id=college.coordinators_group_id, permission_id=manage, content_object_id=folder.pk
                        )
                    )
                    group_grants.append(
                        FolderGroupPermission(
                            group_id=rng.choice(project_groups), permission_id=upload, content_object_id=folder.pk
                        )
                    )
                    if rng.random() < 0.5:
                        group_grants.append(
                            FolderGroupPermission(
                                group_id=college.members_group_id, permission_id=view, content_object_id=folder.pk
                            )
                        )
                elif rng.random() < 0.05:
                    group_grants.append(
                        FolderGroupPermission(
                            group_id=rng.choice(project_groups),
                            permission_id=rng.choice([view, upload]),
                            content_object_id=folder.pk,
                        )
                    )
                if rng.random() < 0.01:
                    user_grants.append(
                        FolderUserPermission(
                            user_id=rng.choice(regular), permission_id=view, content_object_id=folder.pk
                        )
                    )
        Folder.objects.bulk_create(rows, batch_size=BATCH)
        FolderGroupPermission.objects.bulk_create(group_grants, batch_size=BATCH)
        FolderUserPermission.objects.bulk_create(user_grants, batch_size=BATCH)
        built.folders, built.group_grants, built.user_grants = len(rows), len(group_grants), len(user_grants)

        # --- Documents, one version each -------------------------------------------------------
        first_document, first_version = _next_id(Document), _next_id(DocumentVersion)
        author_ids = regular or [person.pk for person in people]
        folder_ids = [folder.pk for folder in rows]
        for start in range(0, documents, BATCH):
            batch = range(start, min(documents, start + BATCH))
            versions, docs = [], []
            for index in batch:
                folder_id = folder_ids[index % len(folder_ids)]
                built.documents_per_folder[folder_id] = built.documents_per_folder.get(folder_id, 0) + 1
                name = f"Document {index:06d}.pdf"
                author = author_ids[index % len(author_ids)]
                docs.append(
                    Document(
                        pk=first_document + index,
                        folder_id=folder_id,
                        name=name,
                        current_version_id=first_version + index,
                        created_by_id=author,
                    )
                )
                versions.append(
                    DocumentVersion(
                        pk=first_version + index,
                        document_id=first_document + index,
                        number=1,
                        stored_name=f"be/nc/{index:032x}",
                        original_name=name,
                        size=rng.randrange(20_000, 5_000_000),
                        content_type="application/pdf",
                        sha256=f"{index:064x}",
                        uploaded_by_id=author,
                        extraction_status=ExtractionStatus.DONE,
                    )
                )
            # Both tables reference each other: the foreign keys are checked at commit.
            Document.objects.bulk_create(docs, batch_size=BATCH)
            DocumentVersion.objects.bulk_create(versions, batch_size=BATCH)
        built.documents = documents
        # auto_now stamped every row with the same instant: spread the last changes (and the
        # uploads of those versions) over 2 years.
        buckets = 200
        step = max(1, documents // buckets)
        for bucket in range(0, documents, step):
            moment = now - timedelta(hours=rng.randrange(0, 2 * 365 * 24))
            Document.objects.filter(pk__gte=first_document + bucket, pk__lt=first_document + bucket + step).update(
                updated_at=moment
            )
            DocumentVersion.objects.filter(pk__gte=first_version + bucket, pk__lt=first_version + bucket + step).update(
                uploaded_at=moment
            )

        # Explicit keys leave PostgreSQL's sequences behind: the upload must get fresh ids.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [User, Profile, CollegeMembership, Group, Folder, Document, DocumentVersion]
            ):
                cursor.execute(statement)

    for college in colleges:
        root_id = roots[spaces[college.pk].pk].pk
        built.listing_candidates[college.slug] = [
            folder.pk
            for folder in rows
            if folder.space_id == spaces[college.pk].pk
            and 2 <= folder.depth <= 4
            and folder.access_root_id == root_id
            and folder.pk in built.documents_per_folder
            and not folder.name.startswith("Niveau")
        ]
    if connection.vendor == "postgresql":
        # As autovacuum would have done by then on a live server (SQLite is left as Django leaves
        # it: no ANALYZE, no sqlite_stat1).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return built
