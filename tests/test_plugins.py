"""Apps plug into the core through ``intranet.plugins`` and depend one way (docs/architecture.md):
what each app declared is there after startup, and ``lint-imports`` keeps the contracts."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation

from documents.actions import create_space_for_college
from documents.models import Space
from forums import panels as forum_panels
from forums.actions import create_forum_for_college
from forums.models import Forum
from intranet import actions, plugins
from intranet.context_processors import navigation
from intranet.notifications import kinds, targets, wording
from intranet.search.sources import sources
from realtime import subscriptions
from workflows import panels as workflow_panels
from workflows.selectors import task_count

ROOT = Path(settings.BASE_DIR)
APPS = ("intranet", "forums", "documents", "workflows")
EVENTS = {
    "invitation_accepted",
    "mentioned",
    "replied",
    "thread_started",
    "folder_shared",
    "review_waiting",
    "agenda_waiting",
    "forwarded",
    "returned",
    "declined",
    "decided",
    "vote_opened",
    "vote_closing",
    "vote_closed",
    "decision_recorded",
    "archive_offered",
    "archive_assigned",
    "archive_opinion_asked",
    "archive_opinion_given",
    "archive_in_appraisal",
    "archive_declined",
    "archive_in_agreement",
    "archive_not_retained",
    "archive_catalogued",
    "archive_in_intake",
    "archive_withdrawn",
    "archive_withdrawn_task",
    "meeting_convened",
    "meeting_item_withdrawn",
    "meeting_agenda_changed",
}


def test_every_app_plugs_in_once_in_the_order_it_is_installed():
    assert plugins.plugged_in_apps() == ["intranet", "forums", "documents", "workflows", "archives", "meetings"]


def test_an_app_cannot_plug_in_twice():
    with pytest.raises(RuntimeError):
        plugins.register("forums")
    assert plugins.plugged_in_apps().count("forums") == 1


def test_search_lists_every_apps_sources_in_the_order_of_the_search_page():
    assert list(sources()) == ["thread", "post", "document", "proposal", "decision", "member", "fonds", "archive_item"]


def test_every_notification_target_has_its_apps_describer():
    assert targets.target_types() == {"post", "thread", "folder", "proposal", "decision", "member", "fonds", "meeting"}


def test_each_app_declares_its_notification_kinds_in_the_order_of_the_preferences():
    """The core declares only the kinds it sends itself: a new app's kind needs no change (nor
    migration) in the core, and its members choose a delivery for it on the preferences page."""
    assert kinds.values() == [
        "mention", "reply", "new_thread", "task", "proposal", "vote", "decision", "meeting", "meeting_agenda", "share",
        "invitation",
    ]  # fmt: skip
    core = Path(kinds.__file__).read_text()
    assert not re.search(r"\"(reply|new_thread|task|proposal|vote|decision|meeting|share)\"", core)
    with pytest.raises(RuntimeError, match="differently"):
        kinds.add_kinds([kinds.NotificationKind("reply", "Another reply", 20)])


@pytest.mark.django_db
def test_notify_refuses_a_kind_no_app_declared(cast):
    from intranet.notifications.actions import notify

    with pytest.raises(ValueError, match="festival"):
        notify(
            kind=kinds.NotificationKind("festival", "A festival", 5),
            event="mentioned",
            recipients=[cast.production_member.pk],
            target_type="post",
            target_id=1,
        )


def test_every_notification_event_has_a_sentence_in_french_and_english():
    assert wording.events() == EVENTS
    for event in sorted(EVENTS):
        with translation.override("en"):
            english = wording.sentence(event, actor="Ana", title="Budget")
        with translation.override("fr"):
            french = wording.sentence(event, actor="Ana", title="Budget")
        assert "Budget" in english and "Budget" in french, event
        assert french != english, f"{event}: no French translation"


def test_every_event_the_code_notifies_has_a_sentence():
    written = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            written |= set(re.findall(r'\bevent="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert written, "the search for notify(event=...) found nothing"
    assert written <= wording.events()


def test_a_new_college_gets_the_forums_forum_then_the_documents_space():
    assert plugins.college_created_reactions() == [create_forum_for_college, create_space_for_college]


def test_creating_a_college_creates_its_forum_and_document_space(cast):
    college = actions.create_college(cast.staff, name="Exploitation", slug="exploitation")
    assert Forum.objects.filter(college=college).count() == 1
    assert Space.objects.filter(college=college).count() == 1


def test_the_apps_panels_are_on_the_pages_that_show_them():
    assert plugins.panel_makers(plugins.COLLEGE_PAGE) == [forum_panels.college_forum]
    assert plugins.panel_makers(plugins.THREAD_PAGE) == [workflow_panels.thread_proposal]


def test_the_forums_live_subscriptions_are_known_to_the_socket():
    assert subscriptions.get("thread") is not None and subscriptions.get("forum") is not None
    assert subscriptions.get("thread").mark_read is not None


def test_the_navigation_counts_tasks_only_when_the_page_shows_the_count(cast, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = cast.coordinator
    with django_assert_num_queries(0):  # a page that does not show the counts never asks
        context = navigation(request)
    assert context["viewer_counts"]["tasks"] == task_count(cast.coordinator)


def test_a_visitor_who_is_not_signed_in_gets_no_counter():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert navigation(request)["viewer_counts"] == {}


def test_import_contracts_are_kept():
    """`make lint` runs the same check: the apps depend one way, no app has import circles."""
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if not lint_imports:
        if os.environ.get("INTRANET_REQUIRE_TOOLS"):
            pytest.fail("lint-imports (import-linter, in the dev extras) is required here but not installed")
        pytest.skip("lint-imports (import-linter, in the dev extras) is not installed")
    done = subprocess.run(
        [lint_imports, "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


# The modules of the shell, which may know every app (pyproject.toml's ignore_imports).
SHELL = {
    "settings.py",
    "urls.py",
    "asgi.py",
    "views/home.py",
    "management/commands/seed_demo.py",
    "management/commands/serve.py",
}


def test_the_core_names_no_app_in_a_dotted_string():
    """What import-linter cannot see: ``include("forums.api_urls")`` or ``import_string`` in the core."""
    dotted = re.compile(r"[\"'](?:documents|forums|workflows)\.[a-z_]")
    named = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "intranet").rglob("*.py"))
        if "migrations" not in path.parts and path.relative_to(ROOT / "intranet").as_posix() not in SHELL
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if dotted.search(line)
    ]
    assert named == []


def test_an_app_names_its_own_audit_actions():
    """The apps' codes are declared by the apps, not listed by the core; the audit log's filter
    offers them all."""
    from intranet.audit import AuditAction, action_label
    from intranet.forms import AuditFilterForm

    prefixes = ("post.", "thread.", "folder.", "document.", "proposal.", "task.", "vote.", "decision.", "archive.")
    assert not [code for code in AuditAction.values if code.startswith(prefixes)]
    offered = {code for code, _label in AuditFilterForm().fields["action"].choices}
    assert {"member.invited", "post.hidden", "folder.access_granted", "decision.recorded"} <= offered
    assert {"archive.fonds_catalogued", "meeting.convened"} <= offered
    with translation.override("fr"):
        assert action_label("post.hidden") == "masquage d'un message"

    with translation.override("en"):
        assert action_label("archive.fonds_catalogued") == "fonds taken in and catalogued"
    assert action_label("nobody.registered_this") == "nobody.registered_this"
