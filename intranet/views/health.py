"""``/sante/``: the health of the installation for a monitoring probe, without a session."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from intranet.health import health


@login_not_required
@never_cache
@require_GET
def health_page(request):
    """200 when every part answers, 503 otherwise (the body says which)."""
    result = health()
    return JsonResponse(result, status=200 if result["ok"] else 503)
