"""What the account and membership actions share."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from intranet import policies
from intranet.exceptions import ActionRefused
from intranet.models import User


@contextmanager
def refuse_on_conflict(message: str, *, field: str | None = None):
    """Turn a uniqueness conflict (usually a concurrent request) into a clear refusal."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise ActionRefused(message, field=field) from error


def require_staff(actor: User) -> None:
    if not policies.can_manage_association(actor):
        raise PermissionDenied("Only staff manage the association.")
