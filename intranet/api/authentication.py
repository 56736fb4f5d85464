"""Personal API tokens in the ``Authorization: Bearer <token>`` header."""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from intranet.models import ApiToken
from intranet.selectors import hash_token

logger = logging.getLogger(__name__)

# Writing the last use at most this often keeps every request from being a write.
LAST_USED_PRECISION_SECONDS = 60


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed authorisation header: give “Bearer <token>”."))
        try:
            token = header[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("This API token is not valid.")) from error
        found = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None:
            raise exceptions.AuthenticationFailed(_("This API token is not valid."))
        if found.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API token has been revoked."))
        now = timezone.now()
        if found.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This API token has expired: create a new one on your profile."))
        if not found.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is deactivated."))
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user, found

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The pages' session, with its CSRF check: a refusal says what to send, in the reader's
    language (Django REST framework's own says "CSRF Failed: …" in English)."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as refusal:
            # Django's reason (token missing or wrong, origin or referer not trusted) is for whoever
            # sets the site up: logged, and kept after the message in its own words.
            reason = str(refusal.detail).removeprefix("CSRF Failed: ")
            logger.warning("API request refused by the CSRF check: %s", reason)
            message = _(
                "The session's security check (CSRF) refused this request: send, from the site's own "
                "address, the token a page of the site gives in the X-CSRFToken header, or use an API token."
            )
            raise exceptions.PermissionDenied(f"{message} ({reason})") from refusal


# The schema's description of this scheme registers itself on import.
from intranet.api import schema  # noqa: E402, F401
