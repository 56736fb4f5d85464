"""Staff screens: collèges, memberships, roles, accounts and the audit log."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from intranet import actions
from intranet.audit import AuditAction
from intranet.exceptions import ActionRefused
from intranet.groups import BOARD_GROUP, STAFF_GROUP
from intranet.models import AuditEntry, BoardMembership, College, CollegeMembership
from tests.helpers import recount_navigation

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    ("staff_dashboard", {}),
    ("staff_college_create", {}),
    ("staff_college", {"slug": "production"}),
    ("staff_board", {}),
    ("staff_members", {}),
    ("staff_invitations", {}),
    ("staff_audit_log", {}),
]
NOT_STAFF = ["production_member", "coordinator", "board_member", "president", "secretary", "outsider"]


def group_names(user):
    return set(user.groups.values_list("name", flat=True))


@pytest.mark.parametrize(("name", "kwargs"), STAFF_PAGES)
def test_staff_pages_open_for_staff(cast, login, name, kwargs):
    assert login(cast.staff).get(reverse(name, kwargs=kwargs)).status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), STAFF_PAGES)
@pytest.mark.parametrize("person", NOT_STAFF)
def test_staff_pages_are_a_404_for_everyone_else(cast, login, name, kwargs, person):
    assert login(getattr(cast, person)).get(reverse(name, kwargs=kwargs)).status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), STAFF_PAGES)
def test_staff_pages_send_anonymous_visitors_to_login(client, db, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_staff_creates_a_college_with_its_groups_and_an_audit_row(cast, login):
    response = login(cast.staff).post(
        reverse("staff_college_create"), {"name": "Jeux vidéo", "slug": "", "description": "", "position": 5}
    )
    college = College.objects.get(slug="jeux-video")
    assert response.status_code == 302
    assert college.members_group.name == "college-jeux-video-membres"
    entry = AuditEntry.objects.get(action=AuditAction.COLLEGE_CREATED)
    assert entry.actor == cast.staff
    assert entry.target_label == "Jeux vidéo"


def test_a_duplicate_college_name_is_refused_and_the_form_kept(cast, login):
    response = login(cast.staff).post(
        reverse("staff_college_create"), {"name": "production", "slug": "autre", "description": "Gardé", "position": 1}
    )
    assert response.status_code == 200
    assert "Gardé" in response.content.decode()
    assert College.objects.count() == 4


def test_adding_changing_and_removing_a_member_keeps_groups_in_sync(cast, login):
    client = login(cast.staff)
    patrimoine = College.objects.get(slug="patrimoine")
    person = cast.outsider

    client.post(reverse("staff_college_add_member", args=["patrimoine"]), {"user": person.pk, "role": "member"})
    assert patrimoine.members_group.name in group_names(person)
    assert patrimoine.coordinators_group.name not in group_names(person)

    membership = CollegeMembership.objects.get(user=person, college=patrimoine)
    client.post(reverse("staff_college_change_role", args=["patrimoine", membership.pk]), {"role": "coordinator"})
    assert patrimoine.coordinators_group.name in group_names(person)

    client.post(reverse("staff_college_remove_member", args=["patrimoine", membership.pk]))
    assert not {patrimoine.members_group.name, patrimoine.coordinators_group.name} & group_names(person)
    actions_logged = list(AuditEntry.objects.filter(target_id=str(person.pk)).values_list("action", flat=True))
    assert set(actions_logged) >= {
        AuditAction.MEMBERSHIP_ADDED,
        AuditAction.MEMBERSHIP_ROLE_CHANGED,
        AuditAction.MEMBERSHIP_REMOVED,
    }


def test_giving_the_presidency_hands_it_over(cast, login):
    login(cast.staff).post(reverse("staff_board"), {"user": cast.outsider.pk, "role": "president"})
    assert BoardMembership.objects.get(user=cast.outsider).role == "president"
    assert BoardMembership.objects.get(user=cast.president).role == "member"
    assert BOARD_GROUP in group_names(cast.outsider)
    assert AuditEntry.objects.filter(action=AuditAction.BOARD_ROLE_SET).count() >= 2


def test_removing_from_the_board_removes_the_board_group(cast, login):
    login(cast.staff).post(reverse("staff_board_remove", args=[cast.board_member.pk]))
    assert not BoardMembership.objects.filter(user=cast.board_member).exists()
    assert BOARD_GROUP not in group_names(cast.board_member)


def test_staff_rights_are_granted_and_revoked_with_their_group(cast, login):
    client = login(cast.staff)
    client.post(reverse("staff_member_account", args=[cast.outsider.pk]), {"operation": "grant_staff"})
    cast.outsider.refresh_from_db()
    assert cast.outsider.is_staff and STAFF_GROUP in group_names(cast.outsider)
    client.post(reverse("staff_member_account", args=[cast.outsider.pk]), {"operation": "revoke_staff"})
    cast.outsider.refresh_from_db()
    assert not cast.outsider.is_staff and STAFF_GROUP not in group_names(cast.outsider)


def test_deactivation_keeps_memberships_but_drops_every_group(cast, login):
    login(cast.staff).post(reverse("staff_member_account", args=[cast.coordinator.pk]), {"operation": "deactivate"})
    cast.coordinator.refresh_from_db()
    assert not cast.coordinator.is_active
    assert group_names(cast.coordinator) == set()
    assert CollegeMembership.objects.filter(user=cast.coordinator).exists()
    assert AuditEntry.objects.filter(action=AuditAction.MEMBER_DEACTIVATED, target_id=str(cast.coordinator.pk)).exists()


def test_staff_cannot_deactivate_themselves(cast, login):
    response = login(cast.staff).post(
        reverse("staff_member_account", args=[cast.staff.pk]), {"operation": "deactivate"}, follow=True
    )
    cast.staff.refresh_from_db()
    assert cast.staff.is_active
    assert "propre compte" in response.content.decode()


def test_unknown_operation_changes_nothing(cast, login):
    login(cast.staff).post(reverse("staff_member_account", args=[cast.outsider.pk]), {"operation": "delete"})
    cast.outsider.refresh_from_db()
    assert cast.outsider.is_active


def test_a_failed_change_leaves_no_audit_row(cast):
    before = AuditEntry.objects.count()
    with pytest.raises(ActionRefused):
        actions.add_college_member(cast.staff, college=College.objects.get(slug="production"), user=cast.coordinator)
    assert AuditEntry.objects.count() == before


def test_the_audit_log_is_append_only(cast):
    entry = AuditEntry.objects.first()
    entry.target_label = "changed"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(target_label="changed")


def test_audit_log_filters_by_action_and_text(cast, login):
    client = login(cast.staff)
    response = client.get(reverse("staff_audit_log"), {"action": AuditAction.BOARD_ROLE_SET})
    entries = list(response.context["page"])
    assert entries and all(entry.action == AuditAction.BOARD_ROLE_SET for entry in entries)
    response = client.get(reverse("staff_audit_log"), {"q": cast.secretary.get_full_name()})
    assert {entry.target_id for entry in response.context["page"]} == {str(cast.secretary.pk)}


@pytest.mark.parametrize(
    "query", ["action=nope", "since=hier&until=2026-13-45", "page=abc", "page=99999", "q=" + "x" * 500]
)
def test_audit_log_survives_garbage_filters(cast, login, query):
    response = login(cast.staff).get(reverse("staff_audit_log") + "?" + query)
    assert response.status_code == 200


def test_audit_log_query_count_is_flat(cast, login, django_assert_max_num_queries):
    client = login(cast.staff)
    recount_navigation(cast.staff)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("staff_audit_log")).status_code == 200


def test_members_list_query_count_is_flat(cast, login, django_assert_max_num_queries):
    client = login(cast.staff)
    recount_navigation(cast.staff)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("staff_members")).status_code == 200


def test_non_staff_cannot_change_memberships_by_posting(cast, login):
    membership = CollegeMembership.objects.get(user=cast.production_member)
    client = login(cast.coordinator)
    response = client.post(reverse("staff_college_remove_member", args=["production", membership.pk]))
    assert response.status_code == 404
    assert CollegeMembership.objects.filter(pk=membership.pk).exists()


def test_actions_refuse_a_non_staff_actor(cast):
    with pytest.raises(PermissionDenied):
        actions.add_college_member(cast.coordinator, college=College.objects.get(slug="patrimoine"), user=cast.outsider)


def test_audit_log_shows_changes_readably(cast, login):
    membership = CollegeMembership.objects.get(user=cast.production_member)
    actions.change_college_role(cast.staff, membership=membership, role="coordinator")
    page = login(cast.staff).get(reverse("staff_audit_log")).content.decode()
    # In the reader's language (French here), not the stored codes.
    assert "rôle\xa0: membre → animateur·rice" in page
    assert "collège\xa0: production" in page
    assert "role: member" not in page


def staff_post_routes(cast):
    production_membership = CollegeMembership.objects.get(user=cast.production_member)
    invitation = actions.invite_member(cast.staff, email="x@example.org", first_name="X", last_name="Y")
    return [
        (reverse("staff_college_create"), {"name": "Intrus", "position": 1}),
        (reverse("staff_college", args=["production"]), {"name": "Renommé", "position": 1}),
        (reverse("staff_college_add_member", args=["production"]), {"user": cast.outsider.pk, "role": "member"}),
        (
            reverse("staff_college_change_role", args=["production", production_membership.pk]),
            {"role": "coordinator"},
        ),
        (reverse("staff_college_remove_member", args=["production", production_membership.pk]), {}),
        (reverse("staff_board"), {"user": cast.outsider.pk, "role": "president"}),
        (reverse("staff_board_remove", args=[cast.president.pk]), {}),
        (reverse("staff_member_account", args=[cast.production_member.pk]), {"operation": "deactivate"}),
        (reverse("staff_invitations"), {"email": "y@example.org", "first_name": "Y", "last_name": "Z"}),
        (reverse("staff_invitation_update", args=[invitation.pk]), {"operation": "revoke"}),
    ]


@pytest.mark.parametrize("person", ["production_member", "coordinator", "president", "secretary", "outsider"])
def test_no_staff_change_can_be_posted_by_someone_else(cast, login, person):
    routes = staff_post_routes(cast)
    entries_before = AuditEntry.objects.count()
    client = login(getattr(cast, person))
    for url, data in routes:
        assert client.post(url, data).status_code == 404, url
    assert AuditEntry.objects.count() == entries_before


def test_an_archived_college_disappears_for_members(cast, login):
    production = College.objects.get(slug="production")
    actions.update_college(
        cast.staff, college=production, name=production.name, description="", position=0, is_active=False
    )
    client = login(cast.production_member)
    assert "Production" not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("college_detail", args=["production"])).status_code == 404
    assert login(cast.staff).get(reverse("staff_college", args=["production"])).status_code == 200


def test_a_very_long_college_name_gets_a_short_name_that_fits(cast):
    college = actions.create_college(cast.staff, name="Collège " + "très " * 17 + "long")
    assert len(college.slug) <= 50
    assert not college.slug.endswith("-")


def test_removing_a_membership_twice_is_harmless(cast):
    membership = CollegeMembership.objects.get(user=cast.production_member)
    actions.remove_college_member(cast.staff, membership=membership)
    actions.remove_college_member(cast.staff, membership=membership)
    assert not CollegeMembership.objects.filter(user=cast.production_member).exists()


def test_a_concurrent_duplicate_membership_is_refused_clearly(cast, monkeypatch):
    """The check passes in both requests; the database constraint answers the second one."""
    production = College.objects.get(slug="production")
    monkeypatch.setattr(CollegeMembership.objects, "filter", lambda **kwargs: CollegeMembership.objects.none())
    with pytest.raises(ActionRefused):
        actions.add_college_member(cast.staff, college=production, user=cast.coordinator)


@pytest.mark.parametrize("query", ["q=%00", "q=" + "x" * 500, "page=zz"])
def test_staff_member_search_survives_garbage(cast, login, query):
    assert login(cast.staff).get(reverse("staff_members") + "?" + query).status_code == 200


def test_reference_data_edited_in_the_admin_is_audited(cast, login):
    client = login(cast.staff)
    response = client.post(reverse("admin:intranet_skill_add"), {"name": "Sous-titrage", "slug": "sous-titrage"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.REFERENCE_CREATED, target_label="Sous-titrage").exists()
