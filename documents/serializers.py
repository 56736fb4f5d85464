"""What the documents API shows of spaces, folders, documents, versions and access, and the
input it reads for uploads and grants (shapes only: every rule is asked of the folder policy)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.models import AccessLevel, Document, DocumentVersion, SpaceKind
from intranet.api.serializers import PersonSerializer
from intranet.groups import managed_groups
from intranet.models import User

# Levels by name in the API ("view", "upload", "manage"), by number in the database.
LEVEL_NAMES = {AccessLevel.VIEW: "view", AccessLevel.UPLOAD: "upload", AccessLevel.MANAGE: "manage"}
LEVELS_BY_NAME = {name: level for level, name in LEVEL_NAMES.items()}


class LevelField(serializers.ChoiceField):
    """An access level: its name in JSON, its number in Python."""

    def __init__(self, **kwargs):
        super().__init__(choices=list(LEVELS_BY_NAME), **kwargs)

    def to_internal_value(self, data) -> AccessLevel:
        return LEVELS_BY_NAME[super().to_internal_value(data)]

    def to_representation(self, value) -> str:
        return LEVEL_NAMES[AccessLevel(value)]


class LevelFieldScheme(OpenApiSerializerFieldExtension):
    """One named enum for the levels: other APIs have fields called "level" too (a thread's
    follow level), which the schema's enum naming would otherwise confuse with this one."""

    target_class = LevelField

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name="AccessLevelEnum",
            type=ResolvedComponent.SCHEMA,
            object="AccessLevelEnum",
            schema={
                "type": "string",
                "enum": list(LEVELS_BY_NAME),
                "description": "view ⊂ upload (view and upload) ⊂ manage",
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class FolderRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")  # a space's root: in the reader's language


class CrumbSerializer(serializers.Serializer):
    """A folder above; both null where the person may not open it."""

    id = serializers.IntegerField(source="folder.pk", allow_null=True, default=None)
    name = serializers.CharField(source="folder.display_name", allow_null=True, default=None)


class SpaceSerializer(serializers.Serializer):
    """A space the person may open something in; ``root_folder`` is null when they may open only
    folders shared with them deeper down (listed in ``shared_folders``)."""

    slug = serializers.CharField(source="space.slug")
    name = serializers.CharField(source="space.display_name")
    kind = serializers.ChoiceField(source="space.kind", choices=SpaceKind.choices)
    description = serializers.CharField(source="space.display_description")
    root_folder = serializers.IntegerField(source="root.pk", allow_null=True, default=None)
    shared_folders = FolderRefSerializer(many=True)


class VersionSerializer(serializers.ModelSerializer):
    uploaded_by = PersonSerializer(allow_null=True)
    restored_from = serializers.IntegerField(source="restored_from.number", allow_null=True, default=None)

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "number",
            "original_name",
            "size",
            "content_type",
            "uploaded_at",
            "uploaded_by",
            "restored_from",
        ]


class CurrentVersionSerializer(serializers.ModelSerializer):
    uploaded_by = PersonSerializer(allow_null=True)

    class Meta:
        model = DocumentVersion
        fields = ["id", "number", "original_name", "size", "content_type", "uploaded_at", "uploaded_by"]


class DocumentSerializer(serializers.ModelSerializer):
    """A document in a folder's listing."""

    current_version = CurrentVersionSerializer(allow_null=True)

    class Meta:
        model = Document
        fields = ["id", "name", "description", "folder", "current_version", "created_at", "updated_at"]


class DocumentPermissionsSerializer(serializers.Serializer):
    change = serializers.BooleanField(help_text="Upload a new version, restore an old one, edit the description")
    manage = serializers.BooleanField(help_text="Rename, move and delete")
    see_access = serializers.BooleanField(help_text="See and change who has access to its folder")


class DocumentDetailSerializer(DocumentSerializer):
    """A document with what ``context["permissions"]`` says the person may do with it."""

    folder = FolderRefSerializer()
    space = serializers.CharField(source="folder.space.slug")
    permissions = serializers.SerializerMethodField()

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "space", "permissions"]

    @extend_schema_field(DocumentPermissionsSerializer)
    def get_permissions(self, document) -> dict[str, bool]:
        return self.context["permissions"]


class FolderPermissionsSerializer(serializers.Serializer):
    upload = serializers.BooleanField(help_text="Upload documents and new versions, create subfolders")
    manage = serializers.BooleanField(help_text="Rename, move, delete, restrict")
    see_access = serializers.BooleanField(help_text="See and change who has access")


class DocumentPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = DocumentSerializer(many=True)


class FolderDetailSerializer(serializers.Serializer):
    """A folder, the folders above it (unnamed where the person may not open them), its visible
    subfolders and one page of its documents."""

    id = serializers.IntegerField(source="folder.pk")
    name = serializers.CharField(source="folder.display_name")
    space = serializers.CharField(source="folder.space.slug")
    restricted = serializers.BooleanField(source="folder.restricted")
    above = CrumbSerializer(many=True)
    permissions = FolderPermissionsSerializer()
    subfolders = FolderRefSerializer(many=True)
    documents = DocumentPageSerializer()


class UploadSerializer(serializers.Serializer):
    # An empty file reaches the upload action, which says so in the pages' words.
    file = serializers.FileField(allow_empty_file=True, help_text="One file, streamed as a multipart part")
    description = serializers.CharField(allow_blank=True, max_length=5000, default="")


@extend_schema_field({"type": "string", "description": "A group's name or id"})
class GroupField(serializers.Field):
    """One of the association's groups, by name or by id, among those the access page offers."""

    default_error_messages = {"does_not_exist": _("No group of the association has this name or id.")}

    def to_internal_value(self, data):
        value = str(data).strip() if isinstance(data, str | int) and not isinstance(data, bool) else ""
        query = {"pk": int(value)} if value.isdigit() and len(value) < 19 else {"name": value}
        found = managed_groups().filter(**query).first() if value else None
        if found is None:
            self.fail("does_not_exist")
        return found

    def to_representation(self, value):
        return value.name


class PrincipalSerializer(serializers.Serializer):
    """A person (``user``, an id) or a group (``group``, a name or an id); the action refuses
    both or neither."""

    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    group = GroupField(required=False)

    def validate(self, data):
        if ("user" in data) == ("group" in data):
            raise serializers.ValidationError(_("Choose one person or one group."))
        return data


class GrantInputSerializer(PrincipalSerializer):
    level = LevelField()


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    label = serializers.CharField()


class GrantSerializer(serializers.Serializer):
    """A grant written on a folder; ``folder`` is null for a folder above that the person may
    not open."""

    level = LevelField()
    folder = FolderRefSerializer(allow_null=True)
    user = PersonSerializer(allow_null=True)
    group = GroupSerializer(allow_null=True)


class ReasonSerializer(serializers.Serializer):
    level = LevelField()
    staff = serializers.BooleanField(help_text="Staff manage every space")
    folder = FolderRefSerializer(allow_null=True, help_text="Where the grant is; null for staff or a hidden folder")
    group = GroupSerializer(allow_null=True, help_text="Through which group; null for a grant to the person")


class AccessSerializer(serializers.Serializer):
    person = PersonSerializer()
    level = LevelField()
    reasons = ReasonSerializer(many=True)


class PeoplePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = AccessSerializer(many=True)


class FolderAccessSerializer(serializers.Serializer):
    """The grants that apply to the folder (on it and inherited) and everyone who can open it."""

    folder = FolderRefSerializer()
    grants = GrantSerializer(many=True)
    people = PeoplePageSerializer()
