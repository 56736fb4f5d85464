"""Response headers, the interface language, the page of an address that takes forms only, and a
clean answer when the database is down."""

import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext

from intranet import policies

logger = logging.getLogger(__name__)

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


class PrivateAnswersMiddleware:
    """What a signed-in person is shown (pages, fragments, API answers, downloads) is theirs: no
    shared cache and no browser's disk keeps it (`Cache-Control: private, no-store`).

    Static files never get here: WhiteNoise answers them earlier, with their long cache. Runs
    after the API authenticated a token too: DRF sets the person on the request it wraps.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class RolesReadOnceMiddleware:
    """A page asks the reader's collège and board roles many times (its permissions, the
    navigation, each block's controls): while a page is read (GET, HEAD) they are read once, at
    the first question. A request that changes things asks the database each time, since it may
    change those very roles."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with policies.roles_read_once(request.user):
            return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """An address that only takes forms, opened as a page (a link followed, the address typed,
    a page reloaded after its form was answered): the site's page saying so, in the reader's
    language, where Django answers 405 with nothing for the browser to show. The API and
    answers that already say something are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content or request.path.startswith("/api/"):
            return response
        page = HttpResponse(render_to_string("405.html", request=request), status=405)
        page["Allow"] = response.get("Allow", "")
        return page


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


UNAVAILABLE_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Service momentanément indisponible · Intranet</title></head>
<body><main><h1>Service momentanément indisponible</h1><p>Réessayez dans quelques instants.</p>
<p lang="en">The service is unavailable for a moment. Please try again shortly.</p></main></body></html>
"""
RETRY_AFTER_SECONDS = "5"


class DatabaseUnavailableMiddleware:
    """The database unreachable (restarted, failing over): a short 503 page, or a JSON 503 under
    /api/, at once, instead of a 500 or a traceback. It answers without templates, sessions or
    anything else that would need the database.

    Checked before the session is read (the request's first query); a connection lost in the
    middle of a view is caught there too. A thread's connection kept from an earlier request is
    checked first (``CONN_HEALTH_CHECKS``): one that died with the server is replaced, so nothing
    is left to undo once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection = connections["default"]
        try:
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except DatabaseError as error:
            return self._unavailable(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)) and not _database_answers():
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, error):
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, error)
        if request.path.startswith("/api/"):
            # The account's language is in the database: the language cookie says it, else French.
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            with translation.override(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE):
                detail = gettext("The service is unavailable for a moment. Please try again shortly.")
            response = JsonResponse({"detail": detail, "code": "unavailable"}, status=503)
        else:
            response = HttpResponse(UNAVAILABLE_PAGE, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = RETRY_AFTER_SECONDS
        response["Cache-Control"] = "no-store"
        return response


def _database_answers() -> bool:
    """Whether the database answers now (a query that failed for another reason is a real error)."""
    connection = connections["default"]
    try:
        connection.close()
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True
