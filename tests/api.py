"""The role cast of the API tests: one case per endpoint, its expected status for each role.

Each ``tests/test_api*.py`` module declares ``ROLE_CASES`` (route name → ``Case``) and a
``world`` fixture (the objects its paths need); ``tests/test_api_routes.py`` fails when an API
route has no case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rest_framework.test import APIClient

from intranet import actions

ROLES = ("anonymous", "outsider", "other_member", "member", "coordinator", "board", "staff")


def person(cast, role: str):
    """anonymous; outsider (no collège); other_member (Diffusion); member, coordinator (Production);
    board (a board member from Diffusion); staff."""
    return {
        "anonymous": None,
        "outsider": cast.outsider,
        "other_member": cast.diffusion_member,
        "member": cast.production_member,
        "coordinator": cast.coordinator,
        "board": cast.board_member,
        "staff": cast.staff,
    }[role]


def token_client(user) -> APIClient:
    """A client using a personal token, as another tool would."""
    client = APIClient()
    if user is not None:
        _token, secret = actions.create_api_token(user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@dataclass
class Case:
    method: str
    path: Callable[[object], str]  # world → path
    expected: dict[str, int]  # role → status
    data: Callable[[object], dict] | None = None  # world → body
    format: str = "json"
    check: Callable[[object, str, object], None] | None = None  # (world, role, response)
    extra: dict = field(default_factory=dict)


def everyone(status: int, **overrides) -> dict[str, int]:
    """``status`` for every signed-in role, 401 for anonymous visitors, with ``overrides``."""
    return {"anonymous": 401, **dict.fromkeys(ROLES[1:], status), **overrides}


def run_case(case: Case, world, cast, role: str):
    client = token_client(person(cast, role))
    data = case.data(world) if case.data else None
    response = getattr(client, case.method)(case.path(world), data, format=case.format)
    expected = case.expected[role]
    assert response.status_code == expected, (role, response.status_code, getattr(response, "data", response))
    if response.status_code >= 400 and case.path(world).startswith("/api/v1/"):
        body = response.json()
        assert isinstance(body.get("detail"), str) and body["detail"], body
    if case.check is not None and response.status_code < 300:
        case.check(world, role, response)
    return response
