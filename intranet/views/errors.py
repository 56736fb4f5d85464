"""The site's own error page for a server error, rendered without touching the database.

The 404 and 403 pages are Django's handlers with our templates (they use the site's layout and
navigation). The 500 page must render when the database is the problem: its template gets no
request context (no context processors, so no query) and speaks the language already active.
"""

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    return HttpResponseServerError(loader.get_template(template_name).render({}))
