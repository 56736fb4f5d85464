"""The fixed cast of people every test can call on, and shared test settings."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import translation

from documents.bodies import create_spaces
from forums.bodies import create_forums
from forums.models import Forum
from intranet.bodies import create_association_bodies
from intranet.models import College, Territory
from tests.archives import make_archivist
from tests.browser import asgi_server, browser, browser_page  # noqa: F401 - one server and browser per test process
from tests.factories import make_member, make_staff


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in English (the language middleware
    activates the reader's language for the thread) must not leave it to the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings, tmp_path):
    """Each test stores its uploaded files in a folder of its own."""
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


@pytest.fixture(scope="session", autouse=True)
def _channel_layer_per_worker(worker_id):
    """Parallel workers sharing one Redis must not hear each other's groups (same user ids)."""
    from channels.layers import channel_layers

    config = settings.CHANNEL_LAYERS["default"].get("CONFIG")
    if config is not None:
        config["prefix"] = f"test-{worker_id}"
        channel_layers.backends.clear()


@pytest.fixture
def association_bodies(transactional_db):
    """Transactional tests empty the database after each test, migration data included:
    they ask for this fixture to find the four collèges again."""
    create_association_bodies(group_model=Group, college_model=College, territory_model=Territory)
    create_forums(forum_model=Forum, college_model=College)
    create_spaces(apps=apps)


@pytest.fixture
def cast(db):
    """A member of each collège, a coordinator, the board, staff and an outsider with no collège."""
    staff = make_staff(email="equipe@example.org", first_name="Estelle", last_name="Équipe")
    people = SimpleNamespace(staff=staff)
    for slug in ("production", "diffusion", "education", "patrimoine"):
        setattr(people, f"{slug}_member", make_member(actor=staff, college=slug, email=f"membre.{slug}@example.org"))
    people.coordinator = make_member(
        actor=staff, college="production", role="coordinator", email="animation.production@example.org"
    )
    people.board_member = make_member(actor=staff, college="diffusion", board_role="member", email="ca@example.org")
    people.president = make_member(
        actor=staff, college="production", board_role="president", email="presidence@example.org"
    )
    people.secretary = make_member(
        actor=staff, college="education", board_role="secretary", email="secretariat@example.org"
    )
    people.outsider = make_member(actor=staff, email="sans.college@example.org")
    return people


@pytest.fixture
def archivist(cast):
    return make_archivist()


@pytest.fixture
def login(client):
    """Log a person in on the test client (django-axes needs a request, so no client.login)."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
