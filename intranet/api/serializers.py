"""What the core API shows of collèges, members, search hits and notifications."""

from __future__ import annotations

from rest_framework import serializers

from intranet import policies
from intranet.models import College, User
from intranet.notifications.kinds import Delivery, all_kinds


class PersonSerializer(serializers.Serializer):
    """Someone named in an answer (an author, who took a task…)."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="get_full_name")
    handle = serializers.CharField()


class CollegeSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="display_description")  # built-in: in the reader's language

    class Meta:
        model = College
        fields = ["slug", "name", "description"]


class MembershipSerializer(serializers.Serializer):
    college = serializers.CharField(source="college.slug")
    role = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer):
    """A member as the directory shows them to ``context["request"].user``."""

    name = serializers.CharField(source="get_full_name")
    organisation = serializers.CharField(source="profile.organisation")
    trade = serializers.CharField(source="profile.trade")
    territory = serializers.SerializerMethodField()
    skills = serializers.SerializerMethodField()
    colleges = MembershipSerializer(source="college_memberships", many=True)
    contact = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name", "handle", "organisation", "trade", "territory", "skills", "colleges", "contact"]

    def get_territory(self, member) -> str | None:
        territory = member.profile.territory
        return territory.code if territory else None

    def get_skills(self, member) -> list[str]:
        return [skill.name for skill in member.profile.skills.all()]

    def get_contact(self, member) -> dict[str, str]:
        return policies.visible_contact(self.context["request"].user, member.profile)


class MemberOrderingSerializer(serializers.Serializer):
    """How the directory's list is sorted (its filters are the directory page's form)."""

    # Each choice → the fields it sorts on.
    ORDERINGS = {
        "name": ("last_name", "first_name", "pk"),
        "-name": ("-last_name", "-first_name", "-pk"),
    }

    ordering = serializers.ChoiceField(
        choices=list(ORDERINGS),
        default="name",
        help_text="name: by last name then first name; -name: the other way round",
    )


class MemberDetailSerializer(MemberSerializer):
    bio = serializers.CharField(source="profile.bio")

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "bio"]


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    snippet = serializers.CharField()
    context = serializers.CharField()
    date = serializers.DateTimeField(allow_null=True)


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField())
    results = SearchHitSerializer(many=True)


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="notification.pk")
    kind = serializers.CharField(source="notification.kind")
    event = serializers.CharField(source="notification.event")
    text = serializers.CharField(source="sentence")
    url = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField(source="notification.created_at")
    read = serializers.BooleanField(source="is_read")


class NotificationPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    unread = serializers.IntegerField()
    results = NotificationSerializer(many=True)


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**53), max_length=500)


class PreferencesSerializer(serializers.Serializer):
    """Each kind → "immediately", "digest" or "never"; kinds left out keep their choice."""

    def get_fields(self):
        return {
            kind.value: serializers.ChoiceField(choices=Delivery.choices, required=False, help_text=str(kind.label))
            for kind in all_kinds()
        }


class ErrorSerializer(serializers.Serializer):
    """Every refusal: a message for people, a code for programs, and the fields at fault."""

    detail = serializers.CharField()
    code = serializers.CharField()
    # Field → its messages (a list, or for a list's items, item index → messages).
    errors = serializers.DictField(child=serializers.JSONField(), required=False)
