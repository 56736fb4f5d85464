"""Every API endpoint (route and method) has its role cast: a new endpoint, or a new method on a
route, without its permission cases fails here."""

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.api import ROLES, Case

API_TEST_MODULES = sorted(
    path.stem for path in Path(__file__).parent.glob("test_api*.py") if path.stem != "test_api_routes"
)
METHODS = ("get", "post", "put", "patch", "delete")


def _endpoints(patterns, namespace: str = "") -> set[tuple[str, str]]:
    found = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            found |= _endpoints(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and namespace.startswith("api"):
            view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
            methods = [method for method in METHODS if hasattr(view, method)] if view else ["get"]
            found |= {(f"{namespace}:{pattern.name}", method) for method in methods}
    return found


class AnyObject:
    """Stands for the test world's objects: every path of a case can be built from it."""

    def __getattr__(self, name):
        return self

    def __getitem__(self, key):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __format__(self, spec):
        return "1"

    __str__ = __format__


def all_cases() -> list[Case]:
    cases = []
    for module_name in API_TEST_MODULES:
        module = importlib.import_module(f"tests.{module_name}")
        for name in ("ROLE_CASES", "MORE_ROLE_CASES", "MORE_CASES"):
            cases += list(getattr(module, name, {}).values())
    return cases


def cased_endpoints() -> set[tuple[str, str]]:
    found = set()
    for case in all_cases():
        path = case.path(AnyObject()).split("?")[0]
        match = resolve(path)
        found.add((f"{match.namespace}:{match.url_name}", case.method))
    return found


def test_every_api_endpoint_has_its_role_cast():
    endpoints = _endpoints(get_resolver().url_patterns)
    assert len(endpoints) > 40
    assert endpoints - cased_endpoints() == set(), "API endpoints without role cases"


def test_every_case_covers_the_whole_cast():
    for case in all_cases():
        assert set(case.expected) == set(ROLES), case.path(AnyObject())
