"""A member's notifications, their e-mail preferences, and the outbox e-mails wait in.

Notifications keep only what they point at (a kind of target and its id): what is shown of the
target is read at display or sending time, through the owning app's policy.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.notifications import kinds
from intranet.notifications.kinds import Delivery


class OutgoingEmail(models.Model):
    """An e-mail waiting to be sent (or sent). Written in the transaction of its cause; the
    worker sends it after the commit, retries with backoff, and claims it first so that two
    workers never send it twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("given up")
        DROPPED = "dropped", _("nothing left to send")

    class Purpose(models.TextChoices):
        NOTIFICATIONS = "notifications", _("notifications")
        DIGEST = "digest", _("daily digest")
        MESSAGE = "message", _("written message")  # rendered when queued (an invitation)

    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_address = models.EmailField(blank=True)
    group_key = models.CharField(max_length=60, blank=True)
    # One e-mail per key: a digest of a day, a group of notifications, an invitation link.
    key = models.CharField(max_length=120, unique=True)
    subject = models.CharField(max_length=250, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "send_after"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk} ({self.status})"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=kinds.choices)  # declared by the apps
    # What happened, for the wording: "replied", "forwarded", "vote_opened"…
    event = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_type = models.CharField(max_length=20)
    target_id = models.PositiveBigIntegerField()
    # Notifications about the same thing (a thread, a proposal) share a key and one e-mail.
    group_key = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey(
        OutgoingEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    # The member's choice when it was made: at once (``email`` set), the digest, or never.
    delivery = models.CharField(max_length=12, choices=Delivery.choices)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["delivery", "created_at"], name="notification_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.event} → {self.recipient_id}"


class Preference(models.Model):
    """A member's choice for one kind; a kind without a row follows the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=kinds.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"
