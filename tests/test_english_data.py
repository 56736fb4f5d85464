"""English readers get the association's built-in names, the audit log and the API's answers in
English; French readers get the audit log's details in French instead of raw codes."""

import html
import json
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from forums.models import Forum
from intranet.builtins import _TRANSLATIONS
from intranet.middleware import DatabaseUnavailableMiddleware
from tests.factories import make_proposal
from tests.helpers import speaking, text_of
from workflows import actions


@pytest.mark.django_db
def test_every_built_in_text_reads_in_french_as_it_is_stored():
    assert len(_TRANSLATIONS) >= 10
    with translation.override("fr"):
        for stored, translated in _TRANSLATIONS.items():
            assert str(translated).replace("\xa0", " ") == stored


def test_an_english_reader_sees_the_built_in_forums_in_english(cast, login):
    page = text_of(login(speaking(cast.board_member, "en")).get(reverse("forums:index")))
    assert "General forum" in page and "Open to every member of the federation." in page
    assert "Board of directors" in page and "Private forum of the board members and the staff." in page
    assert "Forum général" not in page and "Ouvert à tous" not in page


def test_a_french_reader_sees_them_in_french(cast, login):
    page = text_of(login(cast.board_member).get(reverse("forums:index")))
    assert "Forum général" in page and "Ouvert à tous les membres de la fédération." in page


def test_a_built_in_forum_renamed_by_staff_keeps_its_new_name(cast, login):
    Forum.objects.filter(kind="general").update(name="Place du village")
    page = text_of(login(speaking(cast.production_member, "en")).get(reverse("forums:index")))
    assert "Place du village" in page and "General forum" not in page


def test_an_english_reader_sees_the_built_in_spaces_and_college_descriptions_in_english(cast, login):
    client = login(speaking(cast.board_member, "en"))
    page = text_of(client.get(reverse("documents:index")))
    assert "Articles, board membership, forms: for every member." in page
    assert "Working documents of the board." in page and "Board of directors" in page
    assert "Statuts, composition" not in page and "Conseil d'administration" not in page
    page = text_of(client.get(reverse("college_detail", args=["diffusion"])))
    assert "Cinemas, festivals, distributors and the circulation of films." in page
    assert "Salles de cinéma" not in page


@pytest.fixture
def vote_closed_by_the_secretary(cast):
    vote = actions.open_board_vote(
        cast.secretary, proposal=make_proposal(cast.production_member), deadline=timezone.now() + timedelta(hours=2)
    )
    actions.cast_ballot(cast.board_member, vote=vote, choice="against")
    actions.remind_votes_closing_soon()
    actions.close_board_vote(cast.secretary, vote=vote)
    return vote


@pytest.mark.parametrize(
    ("language", "expected", "raw"),
    [
        (
            "fr",
            ["vote\xa0: contre", "motif\xa0: clos par la présidence ou le secrétariat", "résultat\xa0:"],
            ["choice: against", "reason: closed_by_officer", "closed_by_officer"],
        ),
        (
            "en",
            ["vote: against", "reason: closed by the president or the secretary", "result:", "system"],
            ["choice: against", "closed_by_officer", "système", "clos par"],
        ),
    ],
)
def test_the_audit_log_describes_details_in_the_readers_language(
    cast, login, vote_closed_by_the_secretary, language, expected, raw
):
    page = text_of(login(speaking(cast.staff, language)).get(reverse("staff_audit_log")))
    for text in expected:
        assert text in page, text
    for text in raw:
        assert text not in page, text


def test_the_audit_log_shows_an_access_level_in_the_readers_language_whoever_wrote_it(cast, login):
    from documents.actions import grant_folder_access
    from documents.models import AccessLevel, Folder

    folder = Folder.objects.get(space__slug="association", parent=None)
    with translation.override("fr"):  # the staff member who granted it reads French
        grant_folder_access(cast.staff, folder=folder, user=cast.outsider, level=AccessLevel.UPLOAD)
    page = text_of(login(speaking(cast.staff, "en")).get(reverse("staff_audit_log")))
    assert "access level: — → view and upload" in page


def test_the_apis_503_speaks_the_readers_language():
    def answer(language=None):
        request = RequestFactory().get("/api/v1/forums/")
        if language:
            request.COOKIES["django_language"] = language
        middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
        with mock.patch.object(connections["default"], "ensure_connection", side_effect=OperationalError("down")):
            return middleware(request)

    response = answer("en")
    assert response.status_code == 503
    assert (
        json.loads(response.content)["detail"] == "The service is unavailable for a moment. Please try again shortly."
    )
    assert answer()["Retry-After"]
    assert "Réessayez" in json.loads(answer().content)["detail"]


@pytest.mark.parametrize(
    ("language", "pattern"),
    [
        ("en", r"<title>[^<]* · Production: 1 member</title>"),
        ("fr", r"<title>[^<]* · Production\xa0: 1 membre</title>"),
    ],
)
def test_the_directory_charts_tooltips_speak_the_readers_language(cast, login, language, pattern):
    from intranet.models import CollegeMembership

    CollegeMembership.objects.filter(college__slug="production").exclude(user=cast.production_member).delete()
    page = login(speaking(cast.diffusion_member, language)).get(reverse("directory")).content.decode()
    assert re.search(pattern, html.unescape(page)), re.findall(r"<title>[^<]*</title>", page)


def test_a_board_role_reads_as_a_board_role(cast, login):
    from intranet import actions as core_actions
    from intranet.models import BoardMembership

    core_actions.set_board_role(cast.staff, user=cast.outsider, role="secretary")
    assert BoardMembership.objects.get(user=cast.secretary).role == "member"
    page = text_of(login(speaking(cast.staff, "en")).get(reverse("staff_audit_log")))
    assert "role: secretary → board member" in page
    assert "role: — → secretary" in page


def rows(response) -> list[dict]:
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_the_api_gives_built_in_names_in_the_readers_language_and_renamed_ones_as_they_are(cast, login):
    from documents.models import Folder

    english = login(speaking(cast.board_member, "en"))
    forums = {forum["slug"]: forum for forum in rows(english.get("/api/v1/forums/"))}
    general = next(forum for forum in forums.values() if forum["kind"] == "general")
    assert general["name"] == "General forum"
    assert general["description"] == "Open to every member of the federation."
    colleges = {college["slug"]: college for college in rows(english.get("/api/v1/colleges/"))}
    assert colleges["diffusion"]["description"] == "Cinemas, festivals, distributors and the circulation of films."
    spaces = {space["slug"]: space for space in rows(english.get("/api/v1/spaces/"))}
    board_space = next(space for space in spaces.values() if space["kind"] == "board")
    assert board_space["name"] == "Board of directors"
    assert board_space["description"] == "Working documents of the board."
    root = english.get(f"/api/v1/folders/{board_space['root_folder']}/").json()
    assert root["name"] == "Board of directors"

    Forum.objects.filter(kind="general").update(name="Place du village")
    Folder.objects.filter(pk=board_space["root_folder"]).update(name="Bureau")
    renamed = {forum["kind"]: forum for forum in rows(english.get("/api/v1/forums/"))}
    assert renamed["general"]["name"] == "Place du village"
    assert english.get(f"/api/v1/folders/{board_space['root_folder']}/").json()["name"] == "Bureau"
