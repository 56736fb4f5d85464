"""Invitations: sent, sent again, revoked and accepted; the e-mail leaves after the commit."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intranet import search
from intranet.actions.common import require_staff
from intranet.audit import AuditAction, record
from intranet.exceptions import ActionRefused
from intranet.groups import sync_user_groups
from intranet.links import absolute_url
from intranet.models import (
    College,
    CollegeMembership,
    CollegeRole,
    Invitation,
    User,
    normalize_email_address,
)
from intranet.notifications.actions import notify, queue_written_email
from intranet.notifications.kinds import INVITATION
from intranet.selectors import hash_token


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def invite_member(
    actor: User,
    *,
    email: str,
    first_name: str,
    last_name: str,
    college: College | None = None,
    college_role: str = CollegeRole.MEMBER,
    language: str = settings.LANGUAGE_CODE,
) -> Invitation:
    """Invite someone by e-mail; an earlier pending invitation to the same address is replaced."""
    require_staff(actor)
    email = normalize_email_address(email)
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ActionRefused(_("A member already has this e-mail address."), field="email")
        now = timezone.now()
        Invitation.objects.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(revoked_at=now)
        token, token_hash = _new_token()
        invitation = Invitation.objects.create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            college=college,
            college_role=college_role,
            language=language,
            invited_by=actor,
            token_hash=token_hash,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        record(actor, AuditAction.MEMBER_INVITED, invitation, college=college.slug if college else None)
        _send_invitation_email_on_commit(invitation, token)
    return invitation


def resend_invitation(actor: User, *, invitation: Invitation) -> Invitation:
    """A fresh link and a fresh delay; the previous link stops working."""
    require_staff(actor)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ActionRefused(_("This invitation has already been accepted."))
        token, invitation.token_hash = _new_token()
        invitation.revoked_at = None
        invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.save(update_fields=["token_hash", "revoked_at", "expires_at"])
        record(actor, AuditAction.INVITATION_RESENT, invitation)
        _send_invitation_email_on_commit(invitation, token)
    return invitation


def revoke_invitation(actor: User, *, invitation: Invitation) -> Invitation:
    require_staff(actor)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ActionRefused(_("This invitation has already been accepted."))
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            record(actor, AuditAction.INVITATION_REVOKED, invitation)
    return invitation


def accept_invitation(*, token: str, password: str, first_name: str, last_name: str) -> User:
    """The invited person chooses a password: the account is created with its memberships."""
    with transaction.atomic():
        invitation = (
            # Lock only the invitation: the joined collège and inviter may be missing (outer joins).
            Invitation.objects.select_for_update(of=("self",))
            .select_related("college", "invited_by")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if invitation is None or invitation.status != Invitation.Status.PENDING:
            raise ActionRefused(_("This invitation link is no longer valid."))
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ActionRefused(_("An account already exists for this e-mail address. Log in instead."))
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                    language=invitation.language,
                )
        except IntegrityError as error:
            raise ActionRefused(_("An account already exists for this e-mail address. Log in instead.")) from error
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        record(user, AuditAction.INVITATION_ACCEPTED, invitation)
        search.record_change("member", [user.pk])
        if invitation.college is not None:
            CollegeMembership.objects.create(user=user, college=invitation.college, role=invitation.college_role)
            # The staff member who invited is the one who decided this membership.
            record(
                invitation.invited_by,
                AuditAction.MEMBERSHIP_ADDED,
                user,
                college=invitation.college.slug,
                role=invitation.college_role,
                invitation=invitation.pk,
            )
        sync_user_groups(user)
        if invitation.invited_by_id:
            notify(
                kind=INVITATION,
                event="invitation_accepted",
                recipients=[invitation.invited_by_id],
                target_type="member",
                target_id=user.pk,
                actor=user,
            )
    return user


def _send_invitation_email_on_commit(invitation: Invitation, token: str) -> None:
    """Queued in the outbox in this transaction, sent by the e-mail worker after the commit (and
    retried if the mail server fails). The link exists only in this e-mail: a resent invitation
    is a new e-mail with a new link."""
    link = absolute_url(reverse("accept_invitation", kwargs={"token": token}))
    context = {"invitation": invitation, "link": link, "valid_days": settings.INVITATION_VALID_DAYS}
    with translation.override(invitation.language):
        subject = _("Your invitation to the federation's intranet")
        text = render_to_string("intranet/email/invitation.txt", context)
        html = render_to_string("intranet/email/invitation.html", context)
    queue_written_email(
        key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        to_address=invitation.email,
        subject=subject,
        text=text,
        html=html,
    )
