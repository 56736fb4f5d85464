"""Document spaces, their folder trees, documents and versions, and who may do what in them.

A folder's ``path`` lists the ids from its space's root down to itself ("/1/5/9/"), so that a
subtree is one prefix query. ``access_root`` is the nearest folder at or above it that stops
inheriting (a restricted folder, or the space's root): the grants that apply to a folder are
those on the folders between it and its access root, both included.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from intranet.builtins import builtin_text
from intranet.models import College


class SpaceKind(models.TextChoices):
    ASSOCIATION = "association", _("whole association")
    BOARD = "board", _("board")
    COLLEGE = "college", _("collège")
    ARCHIVE = "archive", _("film and photo archive")


class Space(models.Model):
    """A document space: one per collège, one for the board, one for the whole association."""

    kind = models.CharField(_("kind"), max_length=20, choices=SpaceKind.choices)
    college = models.OneToOneField(
        College, on_delete=models.PROTECT, null=True, blank=True, related_name="document_space"
    )
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("document space")
        verbose_name_plural = _("document spaces")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language when it is the built-in one (intranet.builtins)."""
        return builtin_text(self.name)

    @property
    def display_description(self) -> str:
        return builtin_text(self.description)


class AccessLevel(models.IntegerChoices):
    """Each level includes the ones below it."""

    VIEW = 1, _("view")
    UPLOAD = 2, _("view and upload")
    MANAGE = 3, _("manage")


PERMISSION_OF_LEVEL = {
    AccessLevel.VIEW: "view_folder",
    AccessLevel.UPLOAD: "upload_folder",
    AccessLevel.MANAGE: "manage_folder",
}
LEVEL_OF_PERMISSION = {codename: level for level, codename in PERMISSION_OF_LEVEL.items()}


class Trashable(models.Model):
    """Deleting puts a row in the trash; ``trashed_with`` is the folder whose deletion took it along."""

    # No index: nearly every row is outside the trash, and such an index misleads SQLite's planner.
    deleted_at = models.DateTimeField(_("deleted on"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trashed_with = models.ForeignKey(
        "documents.Folder", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Bumped on every rename or edit: a form posted from a stale copy is refused, not applied.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None


class Folder(Trashable):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="folders")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    name = models.CharField(_("name"), max_length=255)
    path = models.CharField(max_length=2000, db_index=True, editable=False)
    access_root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+", editable=False
    )
    restricted = models.BooleanField(
        _("restricted"), default=False, help_text=_("Does not inherit the access of the folders above.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        verbose_name = _("folder")
        verbose_name_plural = _("folders")
        ordering = ["name"]
        default_permissions = ()
        permissions = [
            ("view_folder", "View the folder and its documents"),
            ("upload_folder", "Upload into the folder"),
            ("manage_folder", "Manage the folder: rename, move, delete, permissions"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(deleted_at__isnull=True),
                name="documents_folder_unique_live_name",
            ),
            models.UniqueConstraint(
                fields=["space"], condition=Q(parent__isnull=True), name="documents_one_root_per_space"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """A space's root folder bears the space's name: built-in, it is shown in the reader's language."""
        return builtin_text(self.name) if self.parent_id is None else self.name

    @property
    def is_root(self) -> bool:
        return self.parent_id is None

    def ancestor_ids(self) -> list[int]:
        """Ids from the space's root down to this folder, itself included."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def inheritance_chain_ids(self) -> list[int]:
        """The folders whose grants apply here: from the access root down to this folder."""
        ids = self.ancestor_ids()
        return ids[ids.index(self.access_root_id) :] if self.access_root_id in ids else [self.pk]


class Document(Trashable):
    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    current_version = models.ForeignKey(
        "documents.DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["name"]
        default_permissions = ()
        indexes = [
            # "Recent documents": newest first, outside the trash.
            models.Index(fields=["-updated_at"], condition=Q(deleted_at__isnull=True), name="documents_recent_live"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["folder", "name"],
                condition=Q(deleted_at__isnull=True),
                name="documents_document_unique_live_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    UNSUPPORTED = "unsupported", _("no text to extract")


class ExtractionFailure(models.TextChoices):
    """Why a version's text could not be read (``documents.extraction`` bounds every reading)."""

    TOO_LARGE = "too_large", _("its text is too large once decompressed")
    TIMEOUT = "timeout", _("reading it took too long")
    MEMORY = "memory", _("reading it needed too much memory")
    UNREADABLE = "unreadable", _("the file could not be read")
    INTERRUPTED = "interrupted", _("reading it was interrupted several times")


class DocumentVersion(models.Model):
    """One uploaded file. Restoring an old version adds a version that shares its stored file."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    stored_name = models.CharField(max_length=100, db_index=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.BigIntegerField(_("size"))
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded on"), auto_now_add=True)
    restored_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    extraction_status = models.CharField(
        max_length=20, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    extracted_text = models.TextField(blank=True)
    extraction_failure = models.CharField(max_length=20, choices=ExtractionFailure.choices, blank=True)
    # The extraction worker claims a pending version before reading it (as the outbox claims an
    # e-mail): a claim that lapses (a worker stopped) is taken again, a few times at most.
    extraction_claimed_until = models.DateTimeField(null=True, blank=True)
    extraction_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-number"]
        default_permissions = ()
        indexes = [
            # The extraction queue: the few versions still waiting for their text.
            models.Index(fields=["id"], condition=Q(extraction_status="pending"), name="documents_extraction_queue"),
            # The home's "new versions since": the period's uploads, newest first.
            models.Index(fields=["uploaded_at", "id"], name="documents_version_uploaded"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="documents_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.number})"


class FolderUserPermission(UserObjectPermissionBase):
    """A grant to one person on one folder (guardian's direct foreign-key model)."""

    content_object = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="user_grants")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("folder access for a person")
        verbose_name_plural = _("folder access for people")
        default_permissions = ()


class FolderGroupPermission(GroupObjectPermissionBase):
    """A grant to a group on one folder (guardian's direct foreign-key model)."""

    content_object = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="group_grants")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("folder access for a group")
        verbose_name_plural = _("folder access for groups")
        default_permissions = ()
