"""The site's own error pages where Django's handlers would show Django's: a server error, a bad
request and a form refused by the CSRF check.

The 404 and 403 pages are Django's handlers with our templates (they use the site's layout and
navigation). The 500 page must render when the database is the problem: its template gets no
request context (no context processors, so no query) and speaks the language already active.
The 400 page is rendered the same way: a request refused for its Host header reaches it before
the session, the person and the language are read, and nothing there may ask for the host.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    return HttpResponseServerError(loader.get_template(template_name).render({}))


def bad_request(request, exception=None, template_name: str = "400.html"):
    # Not `requires_csrf_token` (as Django's): its origin check asks for the host, which may be
    # the very thing refused. The language is the person's when it was read, else French.
    with translation.override(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)):
        return HttpResponseBadRequest(loader.get_template(template_name).render({}))


def csrf_failure(request, reason: str = ""):
    """A form refused by the CSRF check, most often sent from a page opened before the person
    logged in again: what happened and how not to lose what they typed. The API answers in its
    own error body. (Django logs the reason; the person is not shown it.)"""
    if request.path.startswith("/api/"):
        detail = _("The CSRF token is missing or out of date: read it again from the page, then send again.")
        return JsonResponse({"detail": detail, "code": "permission_denied"}, status=403)
    return render(request, "403_csrf.html", status=403)
