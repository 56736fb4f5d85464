"""What the forums API shows of forums, threads and posts, and the bodies it accepts.

Nothing here decides who may do what: a post comes as ``post_views.post_views`` builds it for
the reader (its text and the actions offered asked of the policy), the same for the pages.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forums import policies, post_views, selectors
from forums.actions import TITLE_MAX_LENGTH
from forums.models import FollowLevel, ForumKind, ReactionKind
from intranet.markdown import MAX_LENGTH

# --- What the API shows -----------------------------------------------------------------------


class ForumAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    handle = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class ForumSerializer(serializers.Serializer):
    """A forum I read."""

    # From ``selectors.forums_with_unread``.

    slug = serializers.CharField()
    # Built-in names and descriptions in the reader's language (intranet.builtins).
    name = serializers.CharField(source="display_name")
    description = serializers.CharField(source="display_description")
    kind = serializers.ChoiceField(choices=ForumKind.choices)
    college = serializers.SerializerMethodField(help_text="The collège's slug, for a collège's forum")
    thread_count = serializers.IntegerField()
    unread = serializers.IntegerField(help_text="Posts not read yet, muted threads aside")

    def get_college(self, forum) -> str | None:
        return forum.college.slug if forum.college_id else None


class ThreadSerializer(serializers.Serializer):
    """A thread, with where I am in it."""

    # From ``selectors.threads_of_forum``, which annotates the reader's state.

    id = serializers.IntegerField()
    forum = serializers.CharField(source="forum.slug")
    title = serializers.CharField()
    author = ForumAuthorSerializer()
    pinned = serializers.BooleanField()
    locked = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()
    post_count = serializers.IntegerField()
    last_read = serializers.IntegerField(help_text="The number of the last post read")
    unread = serializers.IntegerField()
    # Not an enum here: the schema names one enum per field name, and ``level`` is the one.
    follow_level = serializers.CharField(help_text="normal, following or muted")
    url = serializers.SerializerMethodField(help_text="The thread's page")

    def get_url(self, thread) -> str:
        return selectors.thread_url(thread.pk)


class ThreadDetailSerializer(ThreadSerializer):
    can_reply = serializers.SerializerMethodField()
    can_moderate = serializers.SerializerMethodField()

    def get_can_reply(self, thread) -> bool:
        return policies.can_reply(self.context["request"].user, thread)

    def get_can_moderate(self, thread) -> bool:
        return policies.can_moderate_forum(self.context["request"].user, thread.forum)


class PostReactionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReactionKind.choices)
    emoji = serializers.CharField()
    count = serializers.IntegerField()
    mine = serializers.BooleanField()


class PostPermissionsSerializer(serializers.Serializer):
    can_edit = serializers.BooleanField()
    can_delete = serializers.BooleanField()
    can_moderate = serializers.BooleanField()
    can_react = serializers.BooleanField()
    can_quote = serializers.BooleanField()


class PostSerializer(serializers.Serializer):
    """A post as I see it: no text when deleted, nor when hidden unless I wrote it or moderate."""

    # Reads a ``post_views.PostView``, as the thread's page and its live frames do: what the
    # reader may do and see is decided there, once, by the policy.

    id = serializers.IntegerField(source="post.pk")
    thread = serializers.IntegerField(source="post.thread_id")
    number = serializers.IntegerField(source="post.number")
    author = ForumAuthorSerializer(source="post.author")
    created_at = serializers.DateTimeField(source="post.created_at")
    edited_at = serializers.DateTimeField(source="post.edited_at", allow_null=True)
    deleted = serializers.BooleanField(source="post.is_deleted")
    hidden = serializers.BooleanField(source="post.is_hidden")
    hidden_reason = serializers.SerializerMethodField(help_text="Why the moderators hid it")
    body = serializers.SerializerMethodField(
        help_text="The Markdown source; null when deleted, or hidden from this reader"
    )
    body_html = serializers.SerializerMethodField(help_text="The rendered, sanitised HTML; null like body")
    url = serializers.SerializerMethodField(help_text="The post's place on the thread's pages")
    reactions = serializers.SerializerMethodField()
    allowed = serializers.SerializerMethodField()

    def get_hidden_reason(self, view: post_views.PostView) -> str | None:
        return view.post.hidden_reason if view.post.is_hidden else None

    def get_body(self, view: post_views.PostView) -> str | None:
        return view.post.body if view.allowed.show_text else None

    def get_body_html(self, view: post_views.PostView) -> str | None:
        return str(view.body) if view.allowed.show_text else None

    def get_url(self, view: post_views.PostView) -> str:
        return view.url

    @extend_schema_field(PostReactionSerializer(many=True))
    def get_reactions(self, view: post_views.PostView) -> list[dict]:
        return PostReactionSerializer(view.reactions, many=True).data

    @extend_schema_field(PostPermissionsSerializer)
    def get_allowed(self, view: post_views.PostView) -> dict[str, bool]:
        return PostPermissionsSerializer(view.allowed).data


class ThreadReadSerializer(serializers.Serializer):
    read = serializers.IntegerField(help_text="The number of the last post now read")


# --- What the API accepts ---------------------------------------------------------------------


class ThreadFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, default=False, help_text="Only threads with posts not read yet (muted ones aside)"
    )


class NewThreadSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(max_length=MAX_LENGTH, help_text="Markdown; @handle mentions a reader")


class PostBodySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_LENGTH, help_text="Markdown; @handle mentions a reader")


class ThreadReadMarkSerializer(serializers.Serializer):
    number = serializers.IntegerField(
        min_value=0, max_value=2_000_000_000, help_text="The number of the last post read; the mark never moves back"
    )


class ThreadFollowSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=FollowLevel.choices, help_text="following: notified of replies; muted: not counted as unread"
    )


class ForumFollowSerializer(serializers.Serializer):
    following = serializers.BooleanField(help_text="Whether to be notified of every new thread in the forum")


class PostHideSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Shown to every reader in place of the text")
