"""An authentication backend that only answers permission questions: those the proposal
process's steps declare, from the workflow policy. It never authenticates anyone."""

from __future__ import annotations

from workflows import policies


class ProcessStepBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        return set(policies.step_permissions(user_obj)) if obj is None else set()

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return perm.startswith("workflows.") and perm in policies.step_permissions(user_obj)
