"""Every API route has its role cast: a new endpoint without its permission cases fails here."""

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

API_TEST_MODULES = sorted(
    path.stem for path in Path(__file__).parent.glob("test_api*.py") if path.stem != "test_api_routes"
)


def _names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else pattern.namespace or namespace
            )
            names |= _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def api_route_names() -> set[str]:
    return {name for name in _names(get_resolver().url_patterns) if name.startswith("api:")}


def test_every_api_route_has_its_role_cast():
    cased = set()
    for module_name in API_TEST_MODULES:
        cased |= set(importlib.import_module(f"tests.{module_name}").ROLE_CASES)
    routes = api_route_names()
    assert routes - cased == set(), "API routes without role cases"
    assert cased - routes == set(), "role cases of routes that no longer exist"


def test_every_case_covers_the_whole_cast():
    from tests.api import ROLES

    for module_name in API_TEST_MODULES:
        for route, case in importlib.import_module(f"tests.{module_name}").ROLE_CASES.items():
            assert set(case.expected) == set(ROLES), route
