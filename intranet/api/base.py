"""What every API view shares: its own authentication (so the pages' login redirect does not
apply), members only, JSON in and out."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from rest_framework import permissions
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination

from intranet import policies


class IsMember(permissions.BasePermission):
    """An active account; what it may see and do is then asked of each domain's policy."""

    def has_permission(self, request, view):
        return policies.is_member(request.user)


def validated(serializer_class, request) -> dict:
    """The request's body checked by ``serializer_class``; a 400 with the fields at fault if not."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class ApiViewMixin:
    """Mixed into every API view, first: the API answers with 401/403 JSON, never a redirect."""

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PostCursor(CursorPagination):
    """Posts of a thread, in order, by cursor: stable while new replies arrive."""

    ordering = "number"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # DRF checks the offset, not the position: a forged one would reach the query as text.
        if cursor is not None and cursor.position is not None and not _is_post_number(cursor.position):
            raise NotFound(self.invalid_cursor_message)
        return cursor


def _is_post_number(position: str) -> bool:
    return position.isascii() and position.isdigit() and len(position) <= 18
