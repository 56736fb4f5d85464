"""Who may open which page: every route of the core, for the whole cast.

A new route without its line here makes `test_every_route_is_covered` fail.
"""

import pytest
from django.urls import get_resolver, reverse

from tests.test_document_access import DOCUMENT_ROUTES
from tests.test_proposal_pages import PROPOSAL_ROUTES
from workflows.meetings.urls import urlpatterns as meeting_urlpatterns

pytestmark = pytest.mark.django_db

MEETING_ROUTES = [pattern.name for pattern in meeting_urlpatterns]

EVERYONE = [
    "production_member",
    "diffusion_member",
    "education_member",
    "patrimoine_member",
    "coordinator",
    "board_member",
    "president",
    "secretary",
    "staff",
    "outsider",
]

MEMBER_PAGES = {
    "home": {},
    "college_detail": {"slug": "production"},
    "directory": {},
    "search": {},
    "member_detail": None,  # filled with the viewer's colleague below
    "edit_profile": {},
    "password_change": {},
    "password_change_done": {},
}
PUBLIC_PAGES = {
    "login": {},
    "password_reset": {},
    "password_reset_done": {},
    "password_reset_complete": {},
}
# Routes covered elsewhere: POST-only, token links, staff screens (tests/test_staff.py).
COVERED_ELSEWHERE = {
    "logout",
    "switch_language",
    "accept_invitation",
    "password_reset_confirm",
    "staff_dashboard",
    "staff_college_create",
    "staff_college",
    "staff_college_add_member",
    "staff_college_change_role",
    "staff_college_remove_member",
    "staff_board",
    "staff_board_remove",
    "staff_members",
    "staff_member_account",
    "staff_invitations",
    "staff_invitation_update",
    "staff_audit_log",
    # Forums (tests/test_forums.py: every route for readers, others and anonymous visitors).
    "forums:index",
    "forums:unread_counts",
    "forums:forum",
    "forums:new_thread",
    "forums:mark_forum_read",
    "forums:thread",
    "forums:reply",
    "forums:moderate",
    "forums:follow",
    "forums:mark_read",
    "forums:thread_row",
    "forums:post",
    "forums:edit",
    "forums:history",
    "forums:delete",
    "forums:hide",
    "forums:unhide",
    "forums:react",
    "api_tokens",  # tests/test_api.py (create, list, revoke; someone else's token is not found)
    "api_token_revoke",
    "forums:follow_forum",  # tests/test_notifications.py (a reader follows; another collège gets 404)
    # Notifications (tests/test_notifications.py: the person's own, someone else's, anonymous visitors).
    "notifications:list",
    "notifications:unread_count",
    "notifications:mark_all_read",
    "notifications:preferences",
    "notifications:unsubscribe",
    "notifications:open",
    "notifications:mark_read",
    # Documents (tests/test_document_access.py: every route for the role cast and anonymous visitors).
    *(f"documents:{name}" for name in DOCUMENT_ROUTES),
    # The decision register (tests/test_register.py: every route for the cast and anonymous visitors).
    "workflows:register",
    "workflows:register_print",
    "workflows:register_csv",
    "workflows:decision",
    # Proposals (tests/test_proposal_pages.py and tests/test_proposals.py).
    *(f"proposals:{name}" for name in PROPOSAL_ROUTES),
    # The archive (tests/test_archive_pages.py and tests/test_archive_process_pages.py).
    "archives:catalogue",
    "archives:fonds",
    "archives:fonds_print",
    "archives:fonds_csv",
    "archives:offer",
    "archives:triage",
    "archives:appraise",
    "archives:ask_opinion",
    "archives:give_opinion",
    "archives:finish_appraisal",
    "archives:agreement",
    "archives:agreement_document",
    "archives:intake",
    "archives:withdraw",
    "archives:digitisation",
    "archives:signed_agreement",  # tests/test_archive_files.py
    "archives:digitisation_queue",  # tests/test_archive_digitisation_queue.py
    "archives:digitisation_queue_item",
    # Board meetings (tests/test_meetings.py and tests/test_meeting_pages.py).
    *(f"meetings:{name}" for name in MEETING_ROUTES),
    "health",  # tests/test_health.py
    "home_waiting",  # the home's card alone (tests/test_home_activity.py, the role matrix)
    "home_news",  # the home's news alone (tests/test_home_live.py, the role matrix)
}


def route_names() -> set[str]:
    resolver = get_resolver()
    names = {name for name in resolver.reverse_dict if isinstance(name, str)}
    for namespace, (_prefix, sub_resolver) in resolver.namespace_dict.items():
        # admin: Django's own, tested in test_staff_open_the_admin…; api: every route has its
        # role cast in tests/test_api*.py, which tests/test_api_routes.py checks.
        if namespace not in ("admin", "api"):
            names |= {f"{namespace}:{name}" for name in sub_resolver.reverse_dict if isinstance(name, str)}
    return names


def test_every_route_is_covered():
    names = route_names()
    covered = set(MEMBER_PAGES) | set(PUBLIC_PAGES) | COVERED_ELSEWHERE
    assert names - covered == set()


def page_url(name, cast):
    kwargs = MEMBER_PAGES[name]
    if kwargs is None:
        kwargs = {"member_id": cast.patrimoine_member.pk}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(MEMBER_PAGES))
@pytest.mark.parametrize("person", EVERYONE)
def test_every_member_opens_the_member_pages(cast, login, name, person):
    assert login(getattr(cast, person)).get(page_url(name, cast)).status_code == 200


@pytest.mark.parametrize("name", sorted(MEMBER_PAGES))
def test_anonymous_visitors_are_sent_to_login_from_member_pages(client, cast, name):
    url = page_url(name, cast)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", sorted(PUBLIC_PAGES))
def test_public_pages_open_without_login(client, db, name):
    assert client.get(reverse(name)).status_code == 200


def test_staff_open_the_admin_and_see_the_association(cast, login):
    client = login(cast.staff)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:intranet_college_changelist") in page
    assert client.get(reverse("admin:intranet_college_changelist")).status_code == 200
    assert client.get(reverse("admin:intranet_territory_add")).status_code == 200
    # Governed records are read-only there: they change through the audited staff screens.
    assert client.get(reverse("admin:intranet_college_add")).status_code == 403


@pytest.mark.parametrize("person", ["production_member", "coordinator", "president"])
def test_members_do_not_get_into_the_admin(cast, login, person):
    response = login(getattr(cast, person)).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
