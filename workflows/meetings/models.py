"""Board meetings (*séances du conseil d'administration*): when and where, the agenda built from
the proposals waiting for the board and free items, who attends or gives a proxy to whom.

Votes held in the room become board votes and decisions of the register as online votes do;
the rows here say what the meeting was, not how a vote is counted (``workflows.vote_rules``).
"""

from __future__ import annotations

import secrets
from datetime import UTC
from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workflows.models import Proposal, VoteResult


class MeetingSettings(models.Model):
    """The statutes' rules for meetings, set by staff; a meeting keeps those it was convened under."""

    convocation_days = models.PositiveSmallIntegerField(
        _("convened at least this many days before"), default=8, validators=[MaxValueValidator(90)]
    )
    max_proxies_held = models.PositiveSmallIntegerField(
        _("proxies one board member may hold"), default=1, validators=[MaxValueValidator(10)]
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (% of the board present or represented)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting rules")
        verbose_name_plural = _("meeting rules")

    def __str__(self) -> str:
        return str(_("meeting rules"))

    @classmethod
    def current(cls) -> MeetingSettings:
        return cls.objects.order_by("pk").first() or cls()


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    CONVENED = "convened", _("convened")
    HELD = "held", _("held")
    MINUTES_APPROVED = "minutes_approved", _("minutes approved")


class Meeting(models.Model):
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    convened_at = models.DateTimeField(null=True, blank=True)
    # Convened later than the statutes ask, confirmed by the officer: the minutes will say so.
    convened_late = models.BooleanField(default=False)
    # The agenda the board was convened to (``agenda_changes.snapshot``; None before), and its
    # last change since: the board is told, the page and the minutes say so.
    convened_agenda = models.JSONField(null=True, blank=True, editable=False)
    agenda_changed_at = models.DateTimeField(null=True, blank=True)
    # Items added after the convocation with less notice than the statutes ask: the minutes say so.
    agenda_added_late = models.BooleanField(default=False)
    held_at = models.DateTimeField(null=True, blank=True)  # when the secretary closed the meeting
    # The rules in force when it was convened (``MeetingSettings``).
    quorum_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    max_proxies_held = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped on every change: a form posted from a stale copy is refused, not applied.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("board meeting")
        verbose_name_plural = _("board meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return date_format(timezone.localtime(self.starts_at), "DATETIME_FORMAT")

    @property
    def audit_label(self) -> str:
        """Kept by the audit log in no language, in UTC whoever set the time (the log finds a day
        by these labels' order); described at display (``audit_details.target``)."""
        return self.starts_at.astimezone(UTC).isoformat()

    @property
    def quorum(self) -> Fraction:
        percent = self.quorum_percent or MeetingSettings.current().quorum_percent
        return Fraction(percent, 100)


class ItemKind(models.TextChoices):
    PROPOSAL = "proposal", _("proposal to decide")
    INFORMATION = "information", _("information")
    OTHER = "other", _("other business")
    MINUTES = "minutes", _("approval of the minutes")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    notes_html = models.TextField(blank=True, editable=False)  # Markdown rendered and sanitised once
    # The vote held in the room on this item's proposal: a board vote like an online one.
    vote = models.OneToOneField(
        "workflows.BoardVote", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_item"
    )
    # The approval of an earlier meeting's minutes, voted in the room: its counts and outcome.
    minutes_of = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approval_result = models.CharField(max_length=20, choices=VoteResult.choices, blank=True)
    approval_counts = models.JSONField(null=True, blank=True)  # {"for": n, "against": n, "abstentions": n}
    # The author withdrew the proposal after the board was convened: the item stays, marked, unvoted.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "proposal"], condition=Q(proposal__isnull=False), name="meetings_proposal_once"
            ),
            models.CheckConstraint(
                condition=Q(kind="proposal", proposal__isnull=False) | (~Q(kind="proposal") & Q(proposal__isnull=True)),
                name="meetings_proposal_item_has_its_proposal",
            ),
            models.CheckConstraint(
                condition=Q(kind="minutes", minutes_of__isnull=False)
                | (~Q(kind="minutes") & Q(minutes_of__isnull=True)),
                name="meetings_minutes_item_has_its_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "minutes_of"], condition=Q(minutes_of__isnull=False), name="meetings_minutes_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def shown_title(self) -> str:
        """The title in the reader's language: an approval of minutes is named when shown, not in
        the language of whoever planned the meeting (``title`` keeps that wording for the audit)."""
        if self.kind == ItemKind.MINUTES and self.minutes_of_id is not None:
            return approval_title(self.minutes_of)
        return self.title


def approval_title(meeting: Meeting) -> str:
    """The agenda item approving ``meeting``'s minutes, in the active language."""
    day = date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
    return gettext("Approval of the minutes of the meeting of %(date)s") % {"date": day}


class Answer(models.TextChoices):
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    PROXY = "proxy", _("absent, gives a proxy")


class Attendance(models.Model):
    """A board member's answer to the convocation, and whether the secretary saw them in the room."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    proxy_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    present_in_room = models.BooleanField(null=True, blank=True)  # None: not recorded yet

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="meetings_one_answer_per_member"),
            models.CheckConstraint(condition=~Q(proxy_to=models.F("member")), name="meetings_no_proxy_to_oneself"),
            models.CheckConstraint(
                condition=Q(answer="proxy", proxy_to__isnull=False) | (~Q(answer="proxy") & Q(proxy_to__isnull=True)),
                name="meetings_proxy_has_its_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_answer_display()}"


def new_feed_key() -> str:
    return secrets.token_urlsafe(16)


class CalendarFeed(models.Model):
    """A board member's personal calendar of the meetings they are convened to. Its address is
    signed with ``key``: a new key (revoking) makes every older address fail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed")
    key = models.CharField(max_length=40, default=new_feed_key)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class Minutes(models.Model):
    """The minutes (*procès-verbal*) of a held meeting: written by the secretary from a draft
    the meeting fills in, approved by a vote of a later meeting, then frozen and filed."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"))
    html = models.TextField(editable=False)  # the text rendered and sanitised once, when saved
    public_to_members = models.BooleanField(_("every member reads them once approved"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_in = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The approved minutes as an OpenDocument text, filed in the board's document space.
    document = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)  # a save from a stale page is refused

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.meeting)


class MinutesDraft(models.Model):
    """Each saved version of the minutes, kept: who wrote what, when."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="drafts")
    text = models.TextField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draft of the minutes")
        verbose_name_plural = _("drafts of the minutes")
        ordering = ["-saved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.minutes} — {self.saved_at:%Y-%m-%d %H:%M}"
