"""The audit log reads in its reader's language whoever wrote each row: meetings in local time and
the project's date format, the minutes' and archive's changes named, codes described, built-in
folder and group names translated at display; rows written before still read sensibly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from documents import actions as document_actions
from documents.models import AccessLevel
from intranet.groups import ALL_MEMBERS_GROUP, system_group
from intranet.models import AuditEntry, College
from tests.helpers import root_of, speaking, text_of
from tests.test_archive_files import catalogued
from tests.test_meeting_minutes import _approve, _next_meeting, held  # noqa: F401 (a fixture)
from workflows.archives.models import Use
from workflows.meetings import actions as meeting_actions
from workflows.meetings import minutes
from workflows.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def audit_log(login, staff, language) -> str:
    response = login(speaking(staff, language)).get(reverse("staff_audit_log"))
    assert response.status_code == 200
    # The log itself: the filter above it offers every code as an option's value.
    page = text_of(response)
    return page[page.index("<table") :]


def local(moment, language) -> str:
    with translation.override(language):
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def assert_reads(page, expected, raw):
    for text in expected:
        assert text in page, text
    for text in raw:
        assert text not in page, text


def test_a_meeting_reads_in_local_time_in_the_projects_format():
    meeting = Meeting(starts_at=datetime(2026, 12, 19, 17, 30, tzinfo=UTC))
    with translation.override("fr"):
        assert str(meeting) == "19 décembre 2026 à 18:30"
    with translation.override("en"):
        assert str(meeting) == "19 December 2026, 18:30"


@pytest.mark.parametrize(
    ("language", "expected", "raw"),
    [
        ("fr", ["réponse à une convocation", "date et heure\xa0: "], ["date and time", "answer to a convocation"]),
        ("en", ["answer to a convocation", "date and time: "], ["date et heure", "réponse à une convocation"]),
    ],
)
def test_a_planned_meeting_reads_in_local_time_in_the_readers_language(cast, login, language, expected, raw):
    starts_at = (timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0)
    meeting = meeting_actions.plan_meeting(cast.secretary, starts_at=starts_at, place="Poitiers")
    meeting_actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget")
    meeting = meeting_actions.convene(cast.secretary, meeting=meeting)
    meeting_actions.answer(cast.board_member, meeting=meeting, choice="present")
    page = audit_log(login, cast.staff, language)
    assert page.count(local(starts_at, language)) >= 4  # the targets, and the planned date-time
    utc = f"{starts_at:%Y-%m-%d}"
    assert_reads(page, expected, [*raw, utc, "+00:00"])


def test_a_meeting_logged_before_reads_in_local_time(cast, login):
    AuditEntry.objects.create(
        actor=cast.secretary, actor_label=cast.secretary.email, action="meeting.answered", target_type="meeting",
        target_id="1", target_label="2026-12-19 17:30", details={"answer": "present"},
    )  # fmt: skip
    assert "19 décembre 2026 à 18:30" in audit_log(login, cast.staff, "fr")
    assert "19 December 2026, 18:30" in audit_log(login, cast.staff, "en")
    dashboard = text_of(login(cast.staff).get(reverse("staff_dashboard")))
    assert "· 19 December 2026, 18:30</span>" in dashboard and "2026-12-19" not in dashboard


@pytest.mark.parametrize(
    ("language", "expected", "raw"),
    [
        (
            "fr",
            ["procès-verbal rédigé", "approbation du procès-verbal votée", "version\xa0: 1", "voté en séance du\xa0: ",
             "tenu en séance\xa0: oui", "vote nominatif\xa0: non"],
            ["meeting.minutes", "revision", "at:", "in session", "roll call", "minutes written"],
        ),
        (
            "en",
            ["minutes written", "approval of the minutes voted", "version: 1", "voted in the meeting of: ",
             "held in session: yes", "roll-call vote: no"],
            ["meeting.minutes", "revision", "at:", "procès-verbal", "séance"],
        ),
    ],
)  # fmt: skip
def test_the_minutes_and_votes_in_session_read_in_the_readers_language(cast, held, login, language, expected, raw):  # noqa: F811
    minutes.save_minutes(cast.secretary, meeting=held, text="# Présences\n\nTout le monde.", public_to_members=True)
    following = _next_meeting(cast)
    assert _approve(cast, following, login(cast.secretary)).status_code == 302
    page = audit_log(login, cast.staff, language)
    assert_reads(page, expected, raw)
    assert local(Meeting.objects.get(pk=following.pk).starts_at, language) in page


@pytest.mark.parametrize(
    ("language", "expected", "raw"),
    [
        (
            "fr",
            ["usages autorisés\xa0: consultation sur place, diffusion en ligne",
             "motif\xa0: publication en ligne autorisée par le déposant", "accordé à\xa0: Tous les membres"],
            ["on_site", "online", "allowed by the depositor", "All members"],
        ),
        (
            "en",
            ["allowed uses: consultation on site, online publication",
             "reason: online publication allowed by the depositor", "granted to: All members"],
            ["on_site", "usages", "motif", "Tous les membres", "consulter"],
        ),
    ],
)  # fmt: skip
def test_the_archives_uses_and_reasons_read_in_the_readers_language(cast, archivist, login, language, expected, raw):
    catalogued(cast, archivist, [Use.ONLINE, Use.ON_SITE])
    assert_reads(audit_log(login, cast.staff, language), expected, raw)


@pytest.fixture
def access_changed(cast):
    """Staff, reading French, restrict a folder of the Éducation space, open the board's top folder
    to every member, then close a folder of the board's space to Production's members."""
    with translation.override("fr"):
        education = document_actions.create_folder(cast.staff, parent=root_of("college-education"), name="Ateliers")
        document_actions.set_folder_restricted(cast.staff, folder=education, restricted=True)
        board = root_of("conseil-d-administration")
        members = system_group(ALL_MEMBERS_GROUP)
        document_actions.grant_folder_access(cast.staff, folder=board, group=members, level=AccessLevel.VIEW)
        budget = document_actions.create_folder(cast.staff, parent=board, name="Budget")
        production = College.objects.get(slug="production").members_group
        document_actions.grant_folder_access(cast.staff, folder=budget, group=production, level=AccessLevel.UPLOAD)
        document_actions.revoke_folder_access(cast.staff, folder=budget, group=production)


@pytest.mark.parametrize(
    ("language", "expected", "raw"),
    [
        (
            "fr",
            ["accès conservés\xa0: ", "Éducation — animateur·rices\xa0: gérer", "accordé à\xa0: Tous les membres",
             "retiré à\xa0: Production — membres", "dossier parent\xa0: Conseil d'administration",
             "niveau d’accès\xa0: consulter et déposer"],
            ["Éducation — animateur·rices: gérer", "coordinators", "All members", "Board of directors"],
        ),
        (
            "en",
            ["access kept: ", "Éducation — coordinators: manage", "granted to: All members",
             "revoked from: Production — members", "parent folder: Board of directors",
             "access level: view and upload"],
            ["gérer", "consulter", "Tous les membres", "Production — membres", "Conseil d'administration"],
        ),
    ],
)  # fmt: skip
def test_folder_access_reads_in_the_readers_language_whoever_changed_it(
    cast, login, access_changed, language, expected, raw
):
    assert_reads(audit_log(login, cast.staff, language), expected, raw)


def test_access_rows_written_before_still_read(cast, login):
    folder = root_of("association")
    for action, details in [
        ("folder.access_granted", {"to": "Tous les membres", "level": {"from": None, "to": "consulter"}}),
        ("folder.restricted", {"kept": ["Éducation — animateur·rices: gérer"]}),
        ("folder.access_granted", {"to": "Tous les membres", "reason": "online publication allowed by the depositor"}),
        ("archive.agreement_recorded", {"uses": "on_site,research,online"}),
        ("meeting.minutes_approval_voted", {"at": 7, "result": "adopted"}),
    ]:
        AuditEntry.objects.create(
            actor=cast.staff, actor_label=cast.staff.email, action=action, target_type="folder",
            target_id=str(folder.pk), target_label="Association", details=details,
        )  # fmt: skip
    assert_reads(
        audit_log(login, cast.staff, "en"),
        ["access level: — → view", "access kept: Éducation — animateur·rices: gérer", "granted to: Tous les membres",
         "reason: online publication allowed by the depositor",
         "allowed uses: consultation on site, research, online publication",
         "voted in the meeting of: meeting no. 7"],
        ["on_site"],
    )  # fmt: skip
    assert_reads(
        audit_log(login, cast.staff, "fr"),
        ["motif\xa0: publication en ligne autorisée par le déposant", "usages autorisés\xa0: consultation sur place"],
        ["online publication allowed", "on_site"],
    )


@pytest.mark.parametrize(("language", "typed"), [("fr", "19/12/2026"), ("en", "2026-12-19")])
def test_a_meeting_is_found_in_the_log_by_the_day_as_the_reader_types_it(cast, login, language, typed):
    """Kept as its UTC moment, shown in local time: 00:30 in Paris on the 19th is the 18th in UTC."""
    late = meeting_actions.plan_meeting(
        cast.secretary, starts_at=timezone.make_aware(datetime(2026, 12, 19, 0, 30)), place="Poitiers"
    )
    other = meeting_actions.plan_meeting(
        cast.secretary, starts_at=timezone.make_aware(datetime(2026, 12, 20, 0, 30)), place="Niort"
    )
    assert late.audit_label.startswith("2026-12-18T23:30:00+00:00")  # as when read back from the database
    response = login(speaking(cast.staff, language)).get(reverse("staff_audit_log"), {"q": typed})
    log = text_of(response)[text_of(response).index("<table") :]
    assert local(late.starts_at, language) in log
    assert local(other.starts_at, language) not in log
