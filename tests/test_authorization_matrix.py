"""The authorization matrix: every page route, API endpoint and live subscription, for the whole
role cast, on an object of the member's own collège (Production), of another collège (Diffusion)
and of the board.

``MATRIX`` holds one row per page route (its method, how its URL is built for a target, and the
expected status for each role on each target). The same 404 answers a missing object and a
forbidden one; 403 is kept for an object the person sees but may not act on; anonymous visitors
are sent to the login page. The API's role cast lives in ``tests/test_api*.py`` (checked here for
completeness through ``tests/test_api_routes.py``), the sockets' subscriptions at the end.

A new route, API endpoint or subscription kind without its cases fails
``test_every_route_has_its_row`` or ``test_every_subscription_kind_has_its_rows``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from intranet.notifications.kinds import MENTION
from tests.api import ROLES, person
from tests.factories import make_held_meeting
from tests.test_api_routes import _endpoints, cased_endpoints
from workflows.models import Proposal

LOGIN = "login"  # a 302 to the login page, with the page asked for as ``next``
TARGETS = ("own", "other", "board")
NO_TARGET = "-"
SIGNED_IN = ROLES[1:]

# --- Who sees what, target by target (roles of tests/api.py) ----------------------------------
# The board member sits in Diffusion; the cast has no coordinator of Diffusion and no board officer.
READERS = {
    "own": {"member", "coordinator", "staff"},
    "other": {"other_member", "board", "staff"},
    "board": {"board", "staff"},
}
MODERATORS = {"own": {"coordinator", "staff"}, "other": {"staff"}, "board": {"staff"}}
AUTHORS = {"own": {"member"}, "other": {"other_member"}, "board": {"board"}}  # posts, notifications, tokens
# Documents: readers view and upload in their spaces (level 2); coordinators and staff manage.
MANAGERS = MODERATORS
# Proposals: ``own``/``other`` are raised in Production/Diffusion by member/other_member; ``board``
# is on the board's agenda (raised in Patrimoine, so only the board and staff see it).
PROPOSAL_READERS = READERS
PROPOSAL_AUTHORS = {"own": {"member"}, "other": {"other_member"}, "board": set()}
# The archive: ``own`` is the member's offer in triage, ``other`` a catalogued fonds; ``step`` (on
# the process's steps) the member's offer at the very step the route takes, so that a rule looser
# than the step's policy lets someone through and fails.
FONDS_READERS = {"own": {"member", "staff"}, "other": set(ROLES[1:])}
NOBODY = {"own": set(), "other": set()}
FONDS_STEP_TARGETS = {"own", "other", "step"}
FONDS_STEP_READERS = {**FONDS_READERS, "step": {"member", "staff"}}
# Board meetings: the board and staff see them; only the president and the secretary run them.
MEETING_READERS = {"board": {"board", "staff"}}
MEETINGS_SEEN_BY = {NO_TARGET: {"board", "staff"}}
MINUTES_READERS = {"own": {"board", "staff"}, "board": {"board", "staff"}, "other": set(ROLES[1:])}
# The board's open vote is on a Production proposal: its collège sees it, the board votes.
VOTE_READERS = {"board": {"member", "coordinator", "board", "staff"}}


def everyone(status, *, anonymous=LOGIN, **overrides) -> dict[str, dict]:
    """A route without an object: ``status`` for every signed-in role."""
    return {NO_TARGET: {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status), **overrides}}


def on_targets(status, *, targets=TARGETS, anonymous=LOGIN) -> dict[str, dict]:
    """Every signed-in role gets ``status`` on each of ``targets``."""
    return {target: everyone(status, anonymous=anonymous)[NO_TARGET] for target in targets}


def by_access(status, *, allowed: dict[str, set], visible: dict[str, set] | None = None, anonymous=LOGIN):
    """``status`` for the ``allowed`` roles, 403 for the others who see the object, 404 for the rest."""
    visible = visible or allowed
    return {
        target: {
            "anonymous": anonymous,
            **{
                role: status if role in allowed[target] else 403 if role in visible[target] else 404
                for role in SIGNED_IN
            },
        }
        for target in allowed
    }


def override(expected: dict[str, dict], **targets: dict) -> dict[str, dict]:
    """``expected`` with some roles' statuses changed on some targets."""
    return {target: {**statuses, **targets.get(target, {})} for target, statuses in expected.items()}


def off_its_step(expected: dict[str, dict], *targets: str) -> dict[str, dict]:
    """An archive step asked of a fonds on ``targets``, which is not at that step: whoever sees
    the fonds is told so on its page (409), not that the step is someone else's (403)."""
    return {
        target: {role: 409 if target in targets and status == 403 else status for role, status in statuses.items()}
        for target, statuses in expected.items()
    }


def staff_only(status, *, targets=(NO_TARGET,)) -> dict[str, dict]:
    return by_access(status, allowed={target: {"staff"} for target in targets})


@dataclass(frozen=True)
class Row:
    method: str  # "get", "post", or "upload" (a raw body, as the upload page sends it)
    url: Callable[[SimpleNamespace, str], str]  # (world, target) → path
    expected: dict[str, dict[str, int | str]]  # target → role → status
    data: Callable[[SimpleNamespace, str], dict] | None = None
    prepare: Callable[[SimpleNamespace, str], None] | None = None  # run before the request
    query: dict = field(default_factory=dict)


def at(name: str, *attributes: str) -> Callable[[SimpleNamespace, str], str]:
    """The URL of ``name`` with, as arguments, the target's object(s) of the world (``thread``,
    ``post``…: ``world.thread[target]``); a trailing ``.slug`` takes that attribute."""

    def build(world, target):
        args = []
        for attribute in attributes:
            attribute_name, _, field_name = attribute.partition(".")
            value = getattr(world, attribute_name)[target]
            args.append(getattr(value, field_name or "pk") if not isinstance(value, str | int) else value)
        return reverse(name, args=args)

    return build


def fonds_at(world, target: str, step: str):
    """The archive's fonds of ``target``; for ``step``, the member's offer waiting at that step."""
    return world.fonds_at_step[step] if target == "step" else world.fonds[target]


def intake_places(world, target: str) -> dict:
    """The intake form wants a storage location for each retained item."""
    return {f"location_{item.pk}": "Magasin 1" for item in fonds_at(world, target, "intake").items.all()}


def at_step(name: str, step: str, *, item: bool = False) -> Callable[[SimpleNamespace, str], str]:
    def build(world, target):
        fonds = fonds_at(world, target, step)
        return reverse(name, args=[fonds.pk, fonds.items.get().pk] if item else [fonds.pk])

    return build


def plain(name: str) -> Callable[[SimpleNamespace, str], str]:
    return lambda world, target: reverse(name)


def form(**values) -> Callable[[SimpleNamespace, str], dict]:
    return lambda world, target: values


def hide_post(world, target):
    from forums import actions

    actions.hide_post(world.cast.staff, post=world.post[target], reason="Hors sujet")


def claim_task(world, target):
    from workflows import actions

    actions.claim_task(world.task_claimer[target], task_id=world.task[target])


# --- The matrix ------------------------------------------------------------------------------

MATRIX: dict[str, Row] = {
    # The core pages
    "home": Row("get", plain("home"), everyone(200)),
    "home_waiting": Row("get", plain("home_waiting"), everyone(200)),
    "home_news": Row("get", plain("home_news"), everyone(200), query={"depuis_le": "2026-01-01T00:00:00+00:00"}),
    "college_detail": Row("get", at("college_detail", "college"), on_targets(200, targets=("own", "other"))),
    "directory": Row("get", plain("directory"), everyone(200)),
    "search": Row("get", plain("search"), everyone(200), query={"q": "festival"}),
    "member_detail": Row("get", at("member_detail", "person"), on_targets(200)),
    "edit_profile": Row("get", plain("edit_profile"), everyone(200)),
    "api_tokens": Row("get", plain("api_tokens"), everyone(200)),
    "api_token_revoke": Row("post", at("api_token_revoke", "token"), by_access(302, allowed=AUTHORS)),
    # Accounts: the login and reset pages open without a session.
    "login": Row("get", plain("login"), everyone(302, anonymous=200)),  # signed in: sent home
    "logout": Row("post", plain("logout"), everyone(302, anonymous=302)),
    "password_change": Row("get", plain("password_change"), everyone(200)),
    "password_change_done": Row("get", plain("password_change_done"), everyone(200)),
    "password_reset": Row("get", plain("password_reset"), everyone(200, anonymous=200)),
    "password_reset_done": Row("get", plain("password_reset_done"), everyone(200, anonymous=200)),
    "password_reset_confirm": Row(
        "get",
        lambda world, target: reverse("password_reset_confirm", args=world.reset_link),
        everyone(302, anonymous=302),  # a valid link hides its token behind the set-password page
    ),
    "password_reset_complete": Row("get", plain("password_reset_complete"), everyone(200, anonymous=200)),
    "accept_invitation": Row(
        "get",
        lambda world, target: reverse("accept_invitation", args=[world.invitation_token]),
        everyone(302, anonymous=200),  # signed in: sent home, told to log out first
    ),
    "switch_language": Row("post", plain("switch_language"), everyone(302, anonymous=302), data=form(language="en")),
    # The monitoring probe: the same answer for everyone (no worker runs in the tests: 503).
    "health": Row("get", plain("health"), everyone(503, anonymous=503)),
    # Staff screens: a 404 for everyone else, as if they did not exist.
    "staff_dashboard": Row("get", plain("staff_dashboard"), staff_only(200)),
    "staff_college_create": Row("get", plain("staff_college_create"), staff_only(200)),
    "staff_college": Row("get", at("staff_college", "college"), staff_only(200, targets=("own", "other"))),
    "staff_college_add_member": Row(
        "post",
        at("staff_college_add_member", "college"),
        staff_only(302, targets=("own", "other")),
        data=lambda world, target: {"user": world.cast.outsider.pk, "role": "member"},
    ),
    "staff_college_change_role": Row(
        "post",
        at("staff_college_change_role", "college", "membership"),
        staff_only(302, targets=("own", "other")),
        data=form(role="coordinator"),
    ),
    "staff_college_remove_member": Row(
        "post", at("staff_college_remove_member", "college", "membership"), staff_only(302, targets=("own", "other"))
    ),
    "staff_board": Row("get", plain("staff_board"), staff_only(200)),
    "staff_board_remove": Row("post", at("staff_board_remove", "person"), staff_only(302, targets=("board",))),
    "staff_members": Row("get", plain("staff_members"), staff_only(200)),
    "staff_member_account": Row(
        "post",
        at("staff_member_account", "person"),
        staff_only(302, targets=TARGETS),
        data=form(operation="deactivate"),
    ),
    "staff_invitations": Row("get", plain("staff_invitations"), staff_only(200)),
    "staff_invitation_update": Row(
        "post",
        lambda world, target: reverse("staff_invitation_update", args=[world.invitation.pk]),
        staff_only(302),
        data=form(operation="revoke"),
    ),
    "staff_audit_log": Row("get", plain("staff_audit_log"), staff_only(200)),
    # Notifications: a person's own; someone else's is a 404.
    "notifications:list": Row("get", plain("notifications:list"), everyone(200)),
    "notifications:unread_count": Row("get", plain("notifications:unread_count"), everyone(200)),
    "notifications:mark_all_read": Row("post", plain("notifications:mark_all_read"), everyone(302)),
    "notifications:preferences": Row("get", plain("notifications:preferences"), everyone(200)),
    "notifications:unsubscribe": Row(
        "get", at("notifications:unsubscribe", "unsubscribe_token"), on_targets(200, anonymous=200)
    ),  # the signed link is the credential
    "notifications:open": Row("get", at("notifications:open", "notification"), by_access(302, allowed=AUTHORS)),
    "notifications:mark_read": Row(
        "post", at("notifications:mark_read", "notification"), by_access(302, allowed=AUTHORS)
    ),
    # Forums: ``own`` is Production's forum, ``other`` Diffusion's, ``board`` the board's.
    "forums:index": Row("get", plain("forums:index"), everyone(200)),
    "forums:unread_counts": Row("get", plain("forums:unread_counts"), everyone(200)),
    "forums:forum": Row("get", at("forums:forum", "forum.slug"), by_access(200, allowed=READERS)),
    "forums:new_thread": Row("get", at("forums:new_thread", "forum.slug"), by_access(200, allowed=READERS)),
    "forums:follow_forum": Row(
        "post", at("forums:follow_forum", "forum.slug"), by_access(302, allowed=READERS), data=form(following="1")
    ),
    "forums:mark_forum_read": Row("post", at("forums:mark_forum_read", "forum.slug"), by_access(302, allowed=READERS)),
    "forums:thread": Row("get", at("forums:thread", "thread"), by_access(200, allowed=READERS)),
    "forums:reply": Row(
        "post", at("forums:reply", "thread"), by_access(302, allowed=READERS), data=form(body="Une réponse")
    ),
    "forums:moderate": Row(
        "post",
        at("forums:moderate", "thread"),
        by_access(302, allowed=MODERATORS, visible=READERS),
        data=form(operation="pin"),
    ),
    "forums:follow": Row(
        "post", at("forums:follow", "thread"), by_access(302, allowed=READERS), data=form(level="following")
    ),
    "forums:mark_read": Row(
        "post", at("forums:mark_read", "thread"), by_access(200, allowed=READERS), data=form(number="1")
    ),
    "forums:thread_row": Row("get", at("forums:thread_row", "thread"), by_access(200, allowed=READERS)),
    "forums:post": Row("get", at("forums:post", "post"), by_access(200, allowed=READERS)),
    "forums:edit": Row("get", at("forums:edit", "post"), by_access(200, allowed=AUTHORS, visible=READERS)),
    "forums:history": Row("get", at("forums:history", "post"), by_access(200, allowed=READERS)),
    "forums:delete": Row("post", at("forums:delete", "post"), by_access(302, allowed=AUTHORS, visible=READERS)),
    "forums:hide": Row(
        "post",
        at("forums:hide", "post"),
        by_access(302, allowed=MODERATORS, visible=READERS),
        data=form(reason="Hors sujet"),
    ),
    "forums:unhide": Row(
        "post", at("forums:unhide", "post"), by_access(302, allowed=MODERATORS, visible=READERS), prepare=hide_post
    ),
    "forums:react": Row("post", at("forums:react", "post"), by_access(302, allowed=READERS), data=form(kind="heart")),
    # Documents: a folder of Production's space, of Diffusion's, of the board's; readers upload.
    "documents:index": Row("get", plain("documents:index"), everyone(200)),
    "documents:recent": Row("get", plain("documents:recent"), everyone(200)),
    "documents:space": Row("get", at("documents:space", "space"), by_access(302, allowed=READERS)),
    "documents:trash": Row(
        "get", at("documents:trash", "space"), by_access(200, allowed=MANAGERS, visible=READERS)
    ),  # the trash is for those who may restore from it
    "documents:trash_restore": Row(
        "post",
        lambda w, t: reverse("documents:trash_restore", args=["document", w.trashed[t].pk]),
        by_access(302, allowed=MANAGERS),
    ),
    "documents:trash_purge": Row(
        "post",
        lambda w, t: reverse("documents:trash_purge", args=["document", w.trashed[t].pk]),
        by_access(302, allowed={target: {"staff"} for target in TARGETS}, visible=MANAGERS),
    ),
    "documents:folder": Row("get", at("documents:folder", "folder"), by_access(200, allowed=READERS)),
    "documents:folder_create": Row(
        "post", at("documents:folder_create", "folder"), by_access(302, allowed=READERS), data=form(name="Nouveau")
    ),
    "documents:folder_upload": Row("upload", at("documents:folder_upload", "folder"), by_access(201, allowed=READERS)),
    "documents:folder_rename": Row(
        "get", at("documents:folder_rename", "folder"), by_access(200, allowed=MANAGERS, visible=READERS)
    ),
    "documents:folder_move": Row(
        "get", at("documents:folder_move", "folder"), by_access(200, allowed=MANAGERS, visible=READERS)
    ),
    "documents:folder_delete": Row(
        "get", at("documents:folder_delete", "folder"), by_access(200, allowed=MANAGERS, visible=READERS)
    ),
    "documents:folder_access": Row(
        "get", at("documents:folder_access", "folder"), by_access(200, allowed=MANAGERS, visible=READERS)
    ),
    "documents:folder_revoke": Row(
        "post",
        at("documents:folder_revoke", "folder"),
        by_access(302, allowed=MANAGERS, visible=READERS),
        data=lambda world, target: {"kind": "group", "id": world.readers_group[target].pk},
    ),
    "documents:folder_restrict": Row(
        "post",
        at("documents:folder_restrict", "folder"),
        by_access(302, allowed=MANAGERS, visible=READERS),
        data=form(restricted="1"),
    ),
    "documents:document": Row("get", at("documents:document", "document"), by_access(200, allowed=READERS)),
    "documents:document_download": Row(
        "get", at("documents:document_download", "document"), by_access(200, allowed=READERS)
    ),
    "documents:document_edit": Row("get", at("documents:document_edit", "document"), by_access(200, allowed=READERS)),
    "documents:document_move": Row(
        "get", at("documents:document_move", "document"), by_access(200, allowed=MANAGERS, visible=READERS)
    ),
    "documents:document_delete": Row(
        "get", at("documents:document_delete", "document"), by_access(200, allowed=MANAGERS, visible=READERS)
    ),
    "documents:document_access": Row(
        "get", at("documents:document_access", "document"), by_access(200, allowed=MANAGERS, visible=READERS)
    ),
    "documents:document_upload_version": Row(
        "upload", at("documents:document_upload_version", "document"), by_access(201, allowed=READERS)
    ),
    "documents:version_download": Row(
        "get", at("documents:version_download", "version"), by_access(200, allowed=READERS)
    ),
    "documents:version_preview": Row(
        "get", at("documents:version_preview", "version"), by_access(200, allowed=READERS)
    ),
    "documents:version_restore": Row(
        "post", at("documents:version_restore", "version"), by_access(302, allowed=READERS)
    ),
    # The archive: the catalogue for every member; an offer for its depositor and staff.
    "archives:catalogue": Row("get", plain("archives:catalogue"), everyone(200)),
    **{
        name: Row("get", at(name, "fonds"), by_access(200, allowed=FONDS_READERS))
        for name in ("archives:fonds", "archives:fonds_print", "archives:fonds_csv")
    },
    "archives:offer": Row("get", plain("archives:offer"), everyone(200)),
    # Staff triage the offer in triage; the catalogued fonds is past triage (the action refuses).
    "archives:triage": Row(
        "post",
        at("archives:triage", "fonds"),
        override(
            by_access(302, allowed={"own": {"staff"}, "other": set()}, visible=FONDS_READERS), other={"staff": 409}
        ),
        data=form(decision="decline", reason="Hors région"),
    ),
    # Nobody appraises, asks, answers, agrees or takes in a fonds in triage or catalogued (those
    # who see it are told it is not at that step); at its step, staff (for the archivist) do, the
    # depositor sees it, and nobody else does. The
    # collège Patrimoine's coordinators, who answer, are not of the cast: staff cannot answer.
    **{
        name: Row(
            "post",
            at_step(name, step),
            off_its_step(
                by_access(302, allowed={**NOBODY, "step": allowed}, visible=FONDS_STEP_READERS), "own", "other"
            ),
            data=data if callable(data) else form(**data),
        )
        for name, step, allowed, data in (
            ("archives:ask_opinion", "appraising", {"staff"}, {"question": "À garder ?"}),
            ("archives:give_opinion", "asked", set(), {"opinion": "À garder."}),
            ("archives:finish_appraisal", "appraising", {"staff"}, {}),
            ("archives:agreement", "agreeing", {"staff"}, {"transfer": "gift", "uses": "on_site"}),
            ("archives:intake", "intake", {"staff"}, intake_places),
        )
    },
    "archives:appraise": Row(
        "post",
        at_step("archives:appraise", "appraising", item=True),
        off_its_step(by_access(302, allowed={**NOBODY, "step": {"staff"}}, visible=FONDS_STEP_READERS), "own", "other"),
        data=lambda world, target: {f"item{fonds_at(world, target, 'appraising').items.get().pk}-retained": "yes"},
    ),
    # The agreement document: staff (for the archivist) once the fonds is past its appraisal.
    "archives:agreement_document": Row(
        "get",
        at("archives:agreement_document", "fonds"),
        by_access(200, allowed={"own": set(), "other": {"staff"}}, visible=FONDS_READERS),
    ),
    # The signed agreement: kept by staff (for the archivist) once the fonds is past its appraisal.
    "archives:signed_agreement": Row(
        "post",
        at("archives:signed_agreement", "fonds"),
        by_access(302, allowed={"own": set(), "other": {"staff"}}, visible=FONDS_READERS),
        data=lambda world, target: {"signed": SimpleUploadedFile("convention.pdf", b"%PDF-1.4\n")},
    ),
    # Staff move a catalogued fonds's items through digitisation.
    "archives:digitisation": Row(
        "post",
        at("archives:digitisation", "fonds", "fonds_item"),
        off_its_step(by_access(302, allowed={"own": set(), "other": {"staff"}}, visible=FONDS_READERS), "own"),
        data=lambda world, target: {f"digitise{world.fonds_item[target].pk}-digitisation": "in_progress"},
    ),
    # The digitisation queue is staff's work list: anybody else gets the 404 of a missing page.
    "archives:digitisation_queue": Row("get", plain("archives:digitisation_queue"), staff_only(200)),
    # From it staff move a retained item of a catalogued fonds; the offer's item is not retained yet.
    "archives:digitisation_queue_item": Row(
        "post",
        at("archives:digitisation_queue_item", "fonds_item"),
        by_access(302, allowed={"own": set(), "other": {"staff"}}),
        data=lambda world, target: {f"digitise{world.fonds_item[target].pk}-digitisation": "in_progress"},
    ),
    # The depositor and staff withdraw an offer; a catalogued fonds no longer can be.
    "archives:withdraw": Row(
        "post",
        at("archives:withdraw", "fonds"),
        off_its_step(
            by_access(302, allowed={"own": {"member", "staff"}, "other": set()}, visible=FONDS_READERS), "other"
        ),
        data=form(reason="La famille garde les films."),
    ),
    # Board meetings: a convened meeting of the board (``board``); nobody of the cast runs it.
    "meetings:list": Row("get", plain("meetings:list"), by_access(200, allowed=MEETINGS_SEEN_BY)),
    "meetings:new": Row(
        "post",
        plain("meetings:new"),
        by_access(302, allowed={NO_TARGET: set()}, visible=MEETINGS_SEEN_BY),
        data=form(starts_at="2027-03-01T18:00", place="Poitiers"),
    ),
    "meetings:feed_renew": Row("post", plain("meetings:feed_renew"), by_access(302, allowed=MEETINGS_SEEN_BY)),
    "meetings:rules": Row("get", plain("meetings:rules"), staff_only(200)),
    # The feed's signed address is its key: calendar applications read it without signing in.
    "meetings:feed": Row(
        "get", lambda world, target: reverse("meetings:feed", args=[world.feed_token]), everyone(200, anonymous=200)
    ),
    **{
        name: Row("get", at(name, "meeting"), by_access(200, allowed=MEETING_READERS))
        for name in ("meetings:detail", "meetings:ics")
    },
    "meetings:add_proposal": Row(
        "post",
        at("meetings:add_proposal", "meeting"),
        by_access(302, allowed={"board": set()}, visible=MEETING_READERS),
        data=lambda world, target: {"proposal": world.in_review["board"].pk},
    ),
    "meetings:add_item": Row(
        "post",
        at("meetings:add_item", "meeting"),
        by_access(302, allowed={"board": set()}, visible=MEETING_READERS),
        data=form(kind="information", title="Budget"),
    ),
    "meetings:move_item": Row(
        "post",
        at("meetings:move_item", "meeting", "agenda_item"),
        by_access(302, allowed={"board": set()}, visible=MEETING_READERS),
        data=form(direction="up"),
    ),
    **{
        name: Row("post", at(name, "meeting"), by_access(302, allowed={"board": set()}, visible=MEETING_READERS))
        for name in ("meetings:convene", "meetings:presence", "meetings:close")
    },
    "meetings:online_vote": Row(
        "post",
        at("meetings:online_vote", "meeting", "agenda_item"),
        by_access(302, allowed={"board": set()}, visible=MEETING_READERS),
    ),
    "meetings:record_vote": Row(
        "post",
        at("meetings:record_vote", "meeting", "agenda_item"),
        by_access(302, allowed={"board": set()}, visible=MEETING_READERS),
    ),
    "meetings:add_minutes": Row(
        "post",
        at("meetings:add_minutes", "meeting"),
        by_access(302, allowed={"board": set()}, visible=MEETING_READERS),
        data=lambda world, target: {"minutes": world.minutes_meeting["board"].minutes.pk},
    ),
    "meetings:minutes_save": Row(
        "post",
        at("meetings:minutes_save", "minutes_meeting"),
        by_access(302, allowed={"board": set()}, visible=MEETING_READERS),
        data=form(text="Procès-verbal"),
    ),
    **{
        name: Row("get", at(name, "minutes_meeting"), by_access(200, allowed=MINUTES_READERS))
        for name in ("meetings:minutes", "meetings:minutes_file")
    },
    "meetings:minutes_list": Row("get", plain("meetings:minutes_list"), everyone(200)),
    "meetings:answer": Row(
        "post",
        at("meetings:answer", "meeting"),
        by_access(302, allowed={"board": {"board"}}, visible=MEETING_READERS),
        data=form(answer="present"),
    ),
    # The decision register: every member reads every decision.
    "workflows:register": Row("get", plain("workflows:register"), everyone(200)),
    "workflows:register_print": Row("get", plain("workflows:register_print"), everyone(200)),
    "workflows:register_csv": Row("get", plain("workflows:register_csv"), everyone(200)),
    "workflows:decision": Row(
        "get", at("workflows:decision", "decision.number"), on_targets(200, targets=("own", "other"))
    ),
    # Proposals: in review (or returned to its author) in Production or Diffusion; on the board's agenda.
    "proposals:index": Row("get", plain("proposals:index"), everyone(200)),
    "proposals:vote_rules": Row("get", plain("proposals:vote_rules"), staff_only(200)),
    "proposals:tasks": Row("get", plain("proposals:tasks"), everyone(200)),
    "proposals:create": Row(
        "get",
        at("proposals:create", "college"),
        by_access(200, allowed={"own": {"member", "coordinator"}, "other": {"other_member", "board"}}),
    ),
    "proposals:detail": Row("get", at("proposals:detail", "in_review"), by_access(200, allowed=PROPOSAL_READERS)),
    "proposals:edit": Row(
        "get", at("proposals:edit", "returned"), by_access(200, allowed=PROPOSAL_AUTHORS, visible=PROPOSAL_READERS)
    ),
    "proposals:submit": Row(
        "post", at("proposals:submit", "returned"), by_access(302, allowed=PROPOSAL_AUTHORS, visible=PROPOSAL_READERS)
    ),
    "proposals:withdraw": Row(
        "post",
        at("proposals:withdraw", "returned"),
        by_access(302, allowed=PROPOSAL_AUTHORS, visible=PROPOSAL_READERS),
    ),
    "proposals:review": Row(
        "post",
        at("proposals:review", "in_review"),
        by_access(302, allowed={"own": {"coordinator"}, "other": set(), "board": set()}, visible=PROPOSAL_READERS),
        data=lambda world, target: {
            "decision": "forward",
            "text": "Avis favorable.",
            "revision": Proposal.objects.get(pk=world.in_review[target].pk).revision,
        },
    ),
    "proposals:vote_open": Row(
        "post",
        at("proposals:vote_open", "in_review"),
        by_access(302, allowed={target: set() for target in TARGETS}, visible=PROPOSAL_READERS),
        data=lambda world, target: {"deadline": world.deadline},
    ),  # only the president and the secretary open a vote: nobody of the cast
    "proposals:vote_cast": Row(
        "post",
        at("proposals:vote_cast", "vote"),
        by_access(302, allowed={"board": {"board"}}, visible=VOTE_READERS),
        data=form(choice="for"),
    ),
    "proposals:vote_close": Row(
        "post", at("proposals:vote_close", "vote"), by_access(302, allowed={"board": set()}, visible=VOTE_READERS)
    ),
    "proposals:folder": Row(
        "post", at("proposals:folder", "returned"), by_access(302, allowed=PROPOSAL_AUTHORS, visible=PROPOSAL_READERS)
    ),
    "proposals:document_attach": Row(
        "post",
        at("proposals:document_attach", "returned"),
        by_access(302, allowed=PROPOSAL_AUTHORS, visible=PROPOSAL_READERS),
        data=lambda world, target: {"document": str(world.document[target].pk)},
    ),
    "proposals:document_detach": Row(
        "post",
        at("proposals:document_detach", "returned", "document"),
        by_access(302, allowed=PROPOSAL_AUTHORS, visible=PROPOSAL_READERS),
    ),
    # The step waiting for people: the collège's review (own, other), opening the vote (board).
    "proposals:task_claim": Row(
        "post",
        at("proposals:task_claim", "task"),
        by_access(302, allowed={"own": {"coordinator"}, "other": set(), "board": set()}, visible=PROPOSAL_READERS),
    ),
    "proposals:task_release": Row(
        "post",
        at("proposals:task_release", "task"),
        by_access(
            302, allowed={"own": {"coordinator", "staff"}, "other": {"staff"}, "board": {"staff"}}, visible=READERS
        ),
        prepare=claim_task,
    ),  # taken by the collège's coordinator (own, other) or the secretary (board); staff release any
}


# --- The world the matrix runs in ------------------------------------------------------------


def build_world() -> SimpleNamespace:
    from documents import actions as document_actions
    from documents import selectors as document_selectors
    from documents.models import Space
    from forums import actions as forum_actions
    from forums.models import Forum, ForumKind
    from intranet import actions as core_actions
    from intranet.actions import invitations as core_invitations
    from intranet.models import College, CollegeMembership, Invitation
    from intranet.notifications import actions as notification_actions
    from intranet.notifications import emails
    from tests.archives import shelved, sign_agreement
    from tests.factories import make_incoming, make_member, make_proposal, make_staff
    from workflows import actions as workflow_actions
    from workflows import selectors as workflow_selectors
    from workflows.archives import actions as archive_actions
    from workflows.archives.items import ItemDraft
    from workflows.archives.models import Fonds
    from workflows.meetings import actions as meeting_actions
    from workflows.meetings import calendar as meeting_calendar
    from workflows.meetings.models import CalendarFeed, Minutes
    from workflows.models import Decision

    REEL = [ItemDraft(title="Bobine", format="16mm", count=1)]

    staff = make_staff(email="equipe@example.org", first_name="Estelle", last_name="Équipe")
    cast = SimpleNamespace(staff=staff)
    for slug in ("production", "diffusion", "education", "patrimoine"):
        setattr(cast, f"{slug}_member", make_member(actor=staff, college=slug, email=f"membre.{slug}@example.org"))
    cast.coordinator = make_member(actor=staff, college="production", role="coordinator", email="anim.prod@example.org")
    cast.board_member = make_member(actor=staff, college="diffusion", board_role="member", email="ca@example.org")
    cast.president = make_member(actor=staff, college="production", board_role="president", email="pres@example.org")
    cast.secretary = make_member(actor=staff, college="education", board_role="secretary", email="secr@example.org")
    cast.outsider = make_member(actor=staff, email="sans.college@example.org")
    diffusion_coordinator = make_member(actor=staff, college="diffusion", role="coordinator")
    patrimoine_coordinator = make_member(actor=staff, college="patrimoine", role="coordinator")

    world = SimpleNamespace(cast=cast)
    owner = {"own": cast.production_member, "other": cast.diffusion_member, "board": cast.board_member}
    world.person = owner
    world.college = {"own": "production", "other": "diffusion"}
    world.membership = {
        "own": CollegeMembership.objects.get(user=cast.production_member, college__slug="production"),
        "other": CollegeMembership.objects.get(user=cast.diffusion_member, college__slug="diffusion"),
    }

    # Forums: a thread in each, opened by the target's author.
    world.forum = {
        "own": Forum.objects.get(slug="production"),
        "other": Forum.objects.get(slug="diffusion"),
        "board": Forum.objects.get(kind=ForumKind.BOARD),
    }
    world.thread = {
        target: forum_actions.start_thread(owner[target], forum=world.forum[target], title="Repérages", body="Début")
        for target in TARGETS
    }
    world.post = {target: world.thread[target].posts.get() for target in TARGETS}

    # Documents: a folder, a PDF (downloaded, previewed) and a document in the trash in each space.
    world.space = {"own": "college-production", "other": "college-diffusion", "board": "conseil-d-administration"}
    world.folder, world.document, world.version, world.trashed = {}, {}, {}, {}
    for target in TARGETS:
        root = document_selectors.root_folder(Space.objects.get(slug=world.space[target]))
        folder = document_actions.create_folder(staff, parent=root, name="Budget")
        document, version, _created = document_actions.upload_document(
            staff, folder=folder, incoming=make_incoming("budget.pdf", b"%PDF-1.4\n%%EOF\n")
        )
        trashed, _version, _created = document_actions.upload_document(
            staff, folder=folder, incoming=make_incoming("ancien.txt", b"Ancien budget")
        )
        document_actions.trash_document(staff, document=trashed)
        world.folder[target], world.document[target], world.version[target] = folder, document, version
        world.trashed[target] = trashed
    world.readers_group = {
        "own": College.objects.get(slug="production").members_group,
        "other": College.objects.get(slug="diffusion").members_group,
        "board": Group.objects.get(name="conseil-d-administration"),
    }

    # Proposals: in review and returned to their author in Production and Diffusion; on the
    # board's agenda from Patrimoine; a board vote open on a Production proposal; two decisions.
    reviewer = {"own": cast.coordinator, "other": diffusion_coordinator}
    world.in_review, world.returned = {}, {}
    for target in ("own", "other"):
        college = world.college[target]
        world.in_review[target] = make_proposal(owner[target], college=college, title="En examen", stage="in_review")
        returned = make_proposal(owner[target], college=college, title="À reprendre", stage="in_review")
        world.returned[target] = workflow_actions.return_proposal(reviewer[target], proposal=returned, note="Chiffrez.")
    on_agenda = make_proposal(
        cast.patrimoine_member, college="patrimoine", title="À l'ordre du jour", reviewer=patrimoine_coordinator
    )
    world.in_review["board"] = world.returned["board"] = on_agenda
    world.task = {
        target: workflow_selectors.waiting_step(workflow_selectors.proposal_tasks(world.in_review[target])).pk
        for target in TARGETS
    }
    world.task_claimer = {**reviewer, "board": cast.secretary}
    deadline = timezone.now() + timedelta(days=3)
    world.deadline = timezone.localtime(deadline).strftime("%Y-%m-%dT%H:%M")
    voting = make_proposal(cast.production_member, title="Au vote", reviewer=cast.coordinator)
    world.vote = {"board": workflow_actions.open_board_vote(cast.secretary, proposal=voting, deadline=deadline)}
    world.decision = {}
    for target in ("own", "other"):
        proposal = make_proposal(
            owner[target], college=world.college[target], title="Décidée", reviewer=reviewer[target]
        )
        vote = workflow_actions.open_board_vote(cast.secretary, proposal=proposal, deadline=deadline)
        for voter in (cast.board_member, cast.president):
            workflow_actions.cast_ballot(voter, vote=vote, choice="for")
        workflow_actions.close_board_vote(cast.secretary, vote=vote)
        world.decision[target] = Decision.objects.get(vote=vote)

    # The archive: the member's own offer, in triage (``own``), and a catalogued fonds (``other``).
    world.fonds = {"own": archive_actions.record_offer(cast.production_member, title="Mes bobines", items=REEL)}
    catalogued = archive_actions.record_offer(cast.patrimoine_member, title="Fonds Lenoir", items=REEL)
    archive_actions.assign_archivist(staff, fonds=catalogued, archivist=staff)
    archive_actions.appraise_item(staff, item=catalogued.items.get(), retained=True)
    archive_actions.finish_appraisal(staff, fonds=catalogued)
    archive_actions.record_agreement(staff, fonds=catalogued, transfer="gift", uses=["on_site"])
    world.fonds["other"] = archive_actions.take_in(
        staff, fonds=sign_agreement(staff, catalogued), placements=shelved(catalogued)
    )
    world.fonds_item = {target: fonds.items.get() for target, fonds in world.fonds.items()}
    # The member's offers waiting at each step, for the ``step`` target of the process's rows.
    at_step = {}
    for step in ("appraising", "asked", "agreeing", "intake"):
        at_step[step] = archive_actions.record_offer(cast.production_member, title=f"Bobines {step}", items=REEL)
        archive_actions.assign_archivist(staff, fonds=at_step[step], archivist=staff)
    archive_actions.ask_opinion(staff, fonds=at_step["asked"], question="À garder ?")
    for step in ("appraising", "agreeing", "intake"):
        archive_actions.appraise_item(staff, item=at_step[step].items.get(), retained=True)
    for step in ("agreeing", "intake"):
        archive_actions.finish_appraisal(staff, fonds=at_step[step])
    archive_actions.record_agreement(staff, fonds=at_step["intake"], transfer="gift", uses=["on_site"])
    sign_agreement(staff, at_step["intake"])
    world.fonds_at_step = {step: Fonds.objects.get(pk=fonds.pk) for step, fonds in at_step.items()}

    # A board meeting, convened with one item; the board member's calendar feed.
    meeting = meeting_actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=12), place="Niort")
    world.agenda_item = {
        "board": meeting_actions.add_free_item(cast.secretary, meeting=meeting, kind="other", title="Divers")
    }
    meeting.refresh_from_db()
    world.meeting = {"board": meeting_actions.convene(cast.secretary, meeting=meeting, revision=meeting.revision)}
    world.feed_token = meeting_calendar.feed_token(CalendarFeed.objects.get_or_create(user=cast.board_member)[0])
    # Minutes: approved and kept for the board (``own``), a draft (``board``), approved and public (``other``).
    world.minutes_meeting = {
        target: make_held_meeting(cast.secretary, minutes="Procès-verbal", public=target == "other")
        for target in TARGETS
    }
    Minutes.objects.filter(meeting__in=[world.minutes_meeting["own"], world.minutes_meeting["other"]]).update(
        approved_at=timezone.now(), approved_in=world.minutes_meeting["board"]
    )

    # Personal things: a notification, an API token and an unsubscribe link of each target's person.
    world.notification = {
        target: notification_actions.notify(
            kind=MENTION,
            event="mentioned",
            recipients=[owner[target].pk],
            target_type="post",
            target_id=world.post[target].pk,
        )[0]
        for target in TARGETS
    }
    world.token = {target: core_actions.create_api_token(owner[target], name="Site")[0] for target in TARGETS}
    world.unsubscribe_token = {target: emails.unsubscribe_token(owner[target].pk, "mention") for target in TARGETS}
    member = cast.education_member  # not of the roles: logging in would change the link's token
    world.reset_link = [urlsafe_base64_encode(force_bytes(member.pk)), default_token_generator.make_token(member)]
    world.invitation = core_actions.invite_member(staff, email="invitee@example.org", first_name="Iris", last_name="V")
    world.invitation_token, token_hash = core_invitations._new_token()
    Invitation.objects.filter(pk=world.invitation.pk).update(token_hash=token_hash)
    return world


CASES = [
    pytest.param(name, target, role, id=f"{name}-{target}-{role}")
    for name, row in MATRIX.items()
    for target in row.expected
    for role in ROLES
]


def _all_route_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _all_route_names(pattern.url_patterns, ":".join(filter(None, [namespace, pattern.namespace])))
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(":".join(filter(None, [namespace, pattern.name])))
    return names


def test_every_route_has_its_row():
    names = {name for name in _all_route_names(get_resolver().url_patterns) if not name.startswith("admin:")}
    api_names = {name for name in names if name.split(":")[0] == "api"}
    assert len(api_names) > 20 and len(names - api_names) > 80
    assert names - api_names - set(MATRIX) == set(), "page routes without their row in MATRIX"
    assert set(MATRIX) - names == set(), "rows for routes that no longer exist"
    cased = {name for name, _method in cased_endpoints()}
    assert api_names - cased == set(), "API routes without their role cast in tests/test_api*.py"
    assert _endpoints(get_resolver().url_patterns) - cased_endpoints() == set(), "API methods without role cases"


def test_every_row_covers_every_role_and_its_targets():
    for name, row in MATRIX.items():
        assert set(row.expected) in ({NO_TARGET}, set(TARGETS), {"own", "other"}, {"board"}, FONDS_STEP_TARGETS), name
        for target, statuses in row.expected.items():
            assert set(statuses) == set(ROLES), (name, target)
        takes_an_object = bool(_route_arguments(name)) and name not in TOKEN_ROUTES
        assert takes_an_object == (NO_TARGET not in row.expected), name


# Routes whose argument is a link's token rather than an object of the association.
TOKEN_ROUTES = {"password_reset_confirm", "accept_invitation", "staff_invitation_update", "meetings:feed"}


def _route_arguments(name: str) -> set[str]:
    resolver = get_resolver()
    *namespaces, url_name = name.split(":")
    for namespace in namespaces:
        resolver = resolver.namespace_dict[namespace][1]
    possibilities = resolver.reverse_dict.getlist(url_name)
    return {param for possibility in possibilities for _pattern, params in possibility[0] for param in params}


# --- The page matrix, one test per (route, target, role) -------------------------------------


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world per worker for the whole class, in a transaction rolled back at its end;
    each test runs in a savepoint inside it, so every POST meets fresh objects."""
    folder = tmp_path_factory.mktemp("matrix")
    fast = override_settings(
        DOCUMENTS_ROOT=folder / "documents",
        SEARCH_INDEX_DIR=folder / "index",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with fast:
                world = build_world()
            world.documents_root = folder / "documents"
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    cache.clear()  # nothing the pages kept about this world outlives it


class TestPageMatrix:
    @pytest.fixture(autouse=True)
    def _world_files(self, _documents_in_tmp, settings, world):
        settings.DOCUMENTS_ROOT = world.documents_root

    @pytest.mark.parametrize(("name", "target", "role"), CASES)
    def test_route(self, db, client, world, name, target, role):
        row = MATRIX[name]
        if row.prepare is not None:
            row.prepare(world, target)
        user = person(world.cast, role)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        url = row.url(world, target)
        if row.method == "upload":
            response = client.post(
                url,
                data=b"Budget revu",
                content_type="application/octet-stream",
                headers={"X-File-Name": "budget.txt"},
            )
        elif row.method == "post":
            response = client.post(url, row.data(world, target) if row.data else {})
        else:
            response = client.get(url, row.query)
        expected = row.expected[target][role]
        if expected == LOGIN:
            assert response.status_code == 302, response.status_code
            assert response.url.startswith(reverse("login") + "?next="), response.url
        else:
            assert response.status_code == expected, (name, target, role, response.status_code)


# --- Live subscriptions ----------------------------------------------------------------------

# kind → (world, target) → the id a page subscribes with; the readers are the forum's.
SUBSCRIPTIONS: dict[str, Callable[[SimpleNamespace, str], int]] = {
    "thread": lambda world, target: world.thread[target].pk,
    "forum": lambda world, target: world.forum[target].pk,
    # A collège's news on the home (its members, and staff); the association's (0): every member.
    "activity": lambda world, target: world.forum[target].college_id or 0,
}
SUBSCRIBERS: dict[str, dict[str, set]] = {
    "thread": READERS,
    "forum": READERS,
    "activity": {**READERS, "board": set(SIGNED_IN)},
}


def test_every_subscription_kind_has_its_rows():
    from realtime.subscriptions import _kinds

    assert _kinds, "no subscription kind registered"
    assert set(_kinds) == set(SUBSCRIPTIONS) == set(SUBSCRIBERS)
    for kind, readers in SUBSCRIBERS.items():
        assert set(readers) == set(TARGETS), kind
        assert all(readers[target] <= set(SIGNED_IN) for target in TARGETS), kind


@pytest.fixture
def live_world(association_bodies):
    from forums import actions as forum_actions
    from forums.models import Forum, ForumKind
    from tests.factories import make_member, make_staff

    staff = make_staff()
    cast = SimpleNamespace(
        staff=staff,
        production_member=make_member(actor=staff, college="production"),
        diffusion_member=make_member(actor=staff, college="diffusion"),
        coordinator=make_member(actor=staff, college="production", role="coordinator"),
        board_member=make_member(actor=staff, college="diffusion", board_role="member"),
        outsider=make_member(actor=staff),
    )
    world = SimpleNamespace(cast=cast)
    world.forum = {
        "own": Forum.objects.get(slug="production"),
        "other": Forum.objects.get(slug="diffusion"),
        "board": Forum.objects.get(kind=ForumKind.BOARD),
    }
    authors = {"own": cast.production_member, "other": cast.diffusion_member, "board": cast.board_member}
    world.thread = {
        target: forum_actions.start_thread(authors[target], forum=world.forum[target], title="Direct", body="Début")
        for target in TARGETS
    }
    return world


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", sorted(SUBSCRIPTIONS))
async def test_subscription(live_world, kind, role):
    from realtime.consumers import CLOSE_NOT_AUTHENTICATED
    from tests.test_realtime import ORIGIN, greeted_socket, socket

    user = person(live_world.cast, role)
    try:
        if user is None:
            communicator = socket([ORIGIN])
            connected, _ = await communicator.connect()
            assert connected
            closed = {"type": "websocket.close", "code": CLOSE_NOT_AUTHENTICATED}
            assert await communicator.receive_output() == closed  # no subscription without a session
            return
        communicator = await greeted_socket(user)
        answers = {}
        for target in TARGETS:
            target_id = SUBSCRIPTIONS[kind](live_world, target)
            await communicator.send_json_to({"type": "subscribe", "channel": kind, "id": target_id, "since": 10**9})
            answer = await communicator.receive_json_from()
            subscribed = {"event": "subscribed", "data": {"channel": kind, "id": target_id}}
            refused = {"event": "error", "data": {"code": "not_found", "channel": kind, "id": target_id}}
            expected = subscribed if role in SUBSCRIBERS[kind][target] else refused
            answers[target] = (answer == expected, answer)
        await communicator.disconnect()
        assert all(ok for ok, _answer in answers.values()), answers
    finally:
        await sync_to_async(connections.close_all)()
