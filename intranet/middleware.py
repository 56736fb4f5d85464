"""Response headers and the interface language, for every request."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy: our own scripts, styles and images only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if getattr(settings, "PRODUCTION", False):
            response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class LanguageMiddleware(LocaleMiddleware):
    """French first: the interface speaks the member's chosen language, else French.

    The browser's Accept-Language is not consulted: the association works in French, and
    English is a choice made with the language switch (kept on the account and in a cookie).
    """

    def process_request(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
