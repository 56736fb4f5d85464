"""Every refusal as JSON: ``{"detail": …, "code": …}`` and, for fields, ``{"errors": {field: […]}}``.

Missing and forbidden objects are the same 404; a visible object whose action is not allowed is a
403; an action refused for a reason the person can fix (a locked thread, a stale revision) is a
400 (or 409 when someone else changed the object meanwhile) with the interface's message.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from intranet.exceptions import ActionRefused


def api_exception_handler(exc, context):
    if isinstance(exc, ActionRefused):
        body = {"detail": str(exc.message), "code": "refused"}
        if exc.field:
            body["errors"] = {exc.field: [str(exc.message)]}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("You may not do this."))
    elif isinstance(exc, RequestDataTooBig):
        return Response({"detail": _("The request is too large."), "code": "too_large"}, status=413)
    elif isinstance(exc, SuspiciousOperation):
        return Response({"detail": _("The request is malformed."), "code": "bad_request"}, status=400)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"detail": _("Some fields are not valid."), "code": "invalid", "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"detail": str(data["detail"]), "code": getattr(data["detail"], "code", "error")}
    return response
