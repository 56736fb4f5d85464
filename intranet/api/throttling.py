"""One budget per token, and one per person using the session."""

from rest_framework.throttling import SimpleRateThrottle

from intranet.models import ApiToken


class PerTokenOrUserThrottle(SimpleRateThrottle):
    scope = "member"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": f"token-{request.auth.pk}"}
        if request.user and request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": f"user-{request.user.pk}"}
        return self.cache_format % {"scope": "anonymous", "ident": self.get_ident(request)}
