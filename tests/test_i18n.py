"""French first, English available: the switch, the saved preference, a complete catalogue."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

CATALOGUE = Path(settings.BASE_DIR) / "intranet" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_french_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_catalogue_has_every_string_of_the_code(tmp_path):
    """Every translatable string in templates and code is in the French catalogue."""
    if not shutil.which("xgettext"):
        if os.environ.get("INTRANET_REQUIRE_TOOLS"):
            pytest.fail("xgettext (Debian package gettext) is required here but not installed")
        pytest.skip("xgettext (Debian package gettext) is not installed: cannot extract strings")
    shutil.copytree(settings.BASE_DIR, tmp_path / "src", ignore=shutil.ignore_patterns(".venv", "var", ".git", "*.mo"))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "fr", "--ignore", ".venv", "--ignore", "var"],
        cwd=tmp_path / "src",
        check=True,
        capture_output=True,
    )
    extracted = polib.pofile(str(tmp_path / "src" / CATALOGUE.relative_to(settings.BASE_DIR)))
    missing = [entry.msgid for entry in extracted.untranslated_entries()]
    assert missing == [], "Run `make messages` and translate the new strings"


@pytest.mark.django_db
def test_anonymous_visitor_switches_the_login_page_to_english(client):
    response = client.post(reverse("switch_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Forgot your password?" in page


@pytest.mark.django_db
def test_member_choice_of_language_is_kept_for_their_next_login(cast, login):
    client = login(cast.production_member)
    client.post(reverse("switch_language"), {"language": "en", "next": reverse("home")})
    cast.production_member.refresh_from_db()
    assert cast.production_member.language == "en"
    assert "My collèges" in client.get(reverse("home")).content.decode()

    client.post(reverse("logout"))
    client.cookies.clear()
    client.post(reverse("login"), {"username": cast.production_member.email, "password": PASSWORD})
    assert "My collèges" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "", "<script>"])
def test_unknown_language_changes_nothing(client, language):
    client.post(reverse("switch_language"), {"language": language})
    assert '<html lang="fr">' in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_language_switch_never_redirects_to_another_site(client):
    response = client.post(reverse("switch_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_an_english_browser_still_gets_french_until_the_member_chooses(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fr">' in page


@pytest.mark.django_db
def test_language_chosen_on_the_login_page_is_adopted_by_the_account(client, cast):
    client.post(reverse("switch_language"), {"language": "en", "next": reverse("login")})
    client.post(reverse("login"), {"username": cast.production_member.email, "password": PASSWORD})
    cast.production_member.refresh_from_db()
    assert cast.production_member.language == "en"
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()
