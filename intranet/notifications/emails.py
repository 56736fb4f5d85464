"""The e-mails of notifications: written when sent (so that a target the person may no longer
see is left out), in the recipient's language, plain text and HTML, each with a signed link to
stop that kind of e-mail without logging in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intranet.links import absolute_url, site_hostname
from intranet.notifications import targets, wording
from intranet.notifications.kinds import Delivery, kind_named, values
from intranet.notifications.models import OutgoingEmail
from intranet.notifications.preferences import preferences_of

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
DIGEST_SCOPE = "digest"


class BadLink(Exception):
    """An unsubscribe link that was altered, is too old, or names nobody."""


def unsubscribe_token(user_id: int, scope: str) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id, "s": scope}, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    try:
        payload = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).unsign_object(
            token, max_age=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE
        )
    except signing.SignatureExpired as error:
        raise BadLink("expired") from error
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as error:
        raise BadLink("invalid") from error
    if not isinstance(payload, dict):
        raise BadLink("invalid")
    user_id, scope = payload.get("u"), payload.get("s")
    if not isinstance(user_id, int) or scope not in (*values(), DIGEST_SCOPE):
        raise BadLink("invalid")
    return user_id, scope


def unsubscribe_url(user_id: int, scope: str) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, scope)]))


@dataclass(frozen=True)
class Item:
    sentence: str
    url: str
    excerpt: str
    when: object
    attachment: Callable[[], tuple[str, bytes, str]] | None = None
    excerpt_html: str = ""


def items_for(recipient, notifications) -> list[Item]:
    """What the recipient may still see of these notifications, in their order."""
    described = targets.describe(recipient, {(n.target_type, n.target_id) for n in notifications})
    items = []
    for notification in notifications:
        target = described.get((notification.target_type, notification.target_id))
        if target is None:
            continue
        actor = notification.actor.get_full_name() if notification.actor else ""
        items.append(
            Item(
                sentence=wording.sentence(notification.event, actor=actor, title=target.title),
                url=absolute_url(target.url),
                excerpt=target.excerpt,
                when=notification.created_at,
                attachment=target.attachment,
                excerpt_html=target.excerpt_html,
            )
        )
    return items


def _message_id(email) -> str:
    """The same for every attempt: a copy sent twice (a crash between sending and saving that it
    was sent) is recognised by mail servers and programs."""
    return f"<outbox-{email.pk}@{site_hostname()}>"


def build_message(email) -> EmailMultiAlternatives | None:
    """The message to send for an outbox row, or None when nothing is left to send."""
    if email.purpose == OutgoingEmail.Purpose.MESSAGE:
        message = EmailMultiAlternatives(
            subject=email.subject, body=email.text, to=[email.to_address], headers={"Message-ID": _message_id(email)}
        )
        if email.html:
            message.attach_alternative(email.html, "text/html")
        return message
    recipient = email.recipient
    if recipient is None or not recipient.is_active:
        return None
    is_digest = email.purpose == OutgoingEmail.Purpose.DIGEST
    # What the person still wants this way now: "never" (or the unsubscribe link) chosen since
    # the notification was queued stops it too.
    wanted = Delivery.DIGEST if is_digest else Delivery.IMMEDIATELY
    kinds = [kind for kind, delivery in preferences_of(recipient.pk).items() if delivery == wanted]
    notifications = list(
        email.notifications.filter(read_at__isnull=True, kind__in=kinds)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    if not notifications:
        return None
    scope = DIGEST_SCOPE if is_digest else notifications[0].kind
    with translation.override(recipient.language):
        items = items_for(recipient, notifications)
        if not items:
            return None
        if is_digest:
            subject = ngettext(
                "Your daily summary: %(count)s notification",
                "Your daily summary: %(count)s notifications",
                len(items),
            ) % {"count": len(items)}
            stop_label = _("Stop the daily summary")
        else:
            subject = items[0].sentence
            if len(items) > 1:
                more = len(items) - 1
                subject = ngettext("%(first)s, and %(count)s more", "%(first)s, and %(count)s more", more) % {
                    "first": subject,
                    "count": more,
                }
            stop_label = _("Stop these e-mails (%(kind)s)") % {"kind": kind_named(scope).label}
        link = unsubscribe_url(recipient.pk, scope)
        context = {
            "recipient": recipient,
            "items": items,
            "is_digest": is_digest,
            "unsubscribe_url": link,
            "stop_label": stop_label,
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "list_url": absolute_url(reverse("notifications:list")),
            "today": timezone.localdate(),
        }
        text = render_to_string("notifications/email/notifications.txt", context)
        html = render_to_string("notifications/email/notifications.html", context)
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=text,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": _message_id(email),
        },
    )
    message.attach_alternative(html, "text/html")
    attached = set()
    for item in items:
        if item.attachment is not None:
            with translation.override(recipient.language):
                name, content, mimetype = item.attachment()
            if name not in attached:  # a meeting convened, then its agenda changed: one invitation
                attached.add(name)
                message.attach(name, content, mimetype)
    return message
