"""Forums, threads, posts, their history and reactions, reading state, and the event log.

Every change goes through ``forums.actions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.builtins import builtin_text
from intranet.models import College


class ForumKind(models.TextChoices):
    COLLEGE = "college", _("collège forum")
    BOARD = "board", _("board forum")
    GENERAL = "general", _("general forum")


class Forum(models.Model):
    kind = models.CharField(max_length=10, choices=ForumKind.choices)
    college = models.OneToOneField(College, null=True, blank=True, on_delete=models.PROTECT, related_name="forum")
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["position", "name"]
        constraints = [
            # One board forum and one general forum; collège forums are one per collège.
            models.UniqueConstraint(
                fields=["kind"], condition=~models.Q(kind="college"), name="one_board_and_one_general_forum"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="college", college__isnull=False) | ~models.Q(kind="college"),
                name="college_forum_has_its_college",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language when it is the built-in one (intranet.builtins)."""
        return builtin_text(self.name)

    @property
    def display_description(self) -> str:
        return builtin_text(self.description)


class Thread(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads")
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Posts are numbered 1, 2, 3… in their thread; the count is the number of the last one.
    post_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [models.Index(fields=["forum", "-pinned", "-last_activity_at"], name="thread_listing")]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    body = models.TextField(_("message"))
    # Rendered and sanitised once at write time; pages never render Markdown.
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["thread", "number"], name="one_number_per_post_in_thread")]
        # The home counts a followed thread's replies since a date without reading its older posts.
        indexes = [models.Index(fields=["thread", "created_at"], name="post_thread_since")]

    def __str__(self) -> str:
        return f"{self.thread} #{self.number}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(models.Model):
    """A former version of a post, kept when it is edited (the visible history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    body_html = models.TextField()
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post} ({self.written_at:%Y-%m-%d %H:%M})"


class Mention(models.Model):
    """A person mentioned in a post who could read it when it was written (for notifications)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_mention_per_person_and_post")]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.post_id}"


class ReactionKind(models.TextChoices):
    THUMBS_UP = "+1", "👍"
    HEART = "heart", "❤️"
    LAUGH = "laugh", "😄"
    TADA = "tada", "🎉"
    THINKING = "thinking", "🤔"
    EYES = "eyes", "👀"


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user", "kind"], name="one_reaction_of_a_kind")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class FollowLevel(models.TextChoices):
    NORMAL = "normal", _("normal")
    FOLLOWING = "following", _("following")
    MUTED = "muted", _("muted")


class ReadState(models.Model):
    """Per member and thread: the last post read, and whether they follow or mute it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    follow = models.CharField(max_length=10, choices=FollowLevel.choices, default=FollowLevel.NORMAL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="one_read_state_per_thread")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} up to {self.last_read_number}"


class ForumFollow(models.Model):
    """A member who wants to hear of every new thread in a forum."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_forums")
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="followers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "forum"], name="one_follow_per_forum")]

    def __str__(self) -> str:
        return f"{self.user_id} follows forum {self.forum_id}"


class ForumEvent(models.Model):
    """What happened in the forums, in order: sent live after commit, replayed on reconnect."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, null=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["thread", "id"], name="event_replay_by_thread"),
            models.Index(fields=["forum", "id"], name="event_replay_by_forum"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"
