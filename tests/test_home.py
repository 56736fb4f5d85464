"""The home page's side cards ("my collèges", the board) and the collège pages; what waits and
what is new are in test_home_activity.py."""

import pytest
from django.urls import reverse

from intranet.models import CollegeMembership

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_member_sees_their_colleges_with_their_size_not_every_name(cast, login):
    response = login(cast.production_member).get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200
    colleges = page[page.index('id="colleges-title"') :]
    assert reverse("college_detail", args=["production"]) in colleges
    assert reverse("college_detail", args=["patrimoine"]) not in colleges
    count = CollegeMembership.objects.filter(college__slug="production", user__is_active=True).count()
    assert f"{count} membres" in colleges
    # The collège's page lists its members; the home no longer squeezes them into a card.
    assert cast.coordinator.get_full_name() not in colleges


def test_member_without_college_gets_a_clear_message(cast, login):
    response = login(cast.outsider).get(reverse("home"))
    assert response.status_code == 200
    assert "aucun collège" in response.content.decode()


def test_home_query_count_does_not_grow_with_members(cast, login, django_assert_max_num_queries):
    from tests.factories import make_member
    from tests.helpers import recount_navigation

    client = login(cast.production_member)
    for _ in range(15):
        make_member(actor=cast.staff, college="production")
    # The first visit also records itself (read, insert in a savepoint); the collèges' card
    # counts members in SQL, so fifteen more members add nothing.
    recount_navigation(cast.production_member)
    with django_assert_max_num_queries(23):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_member_can_open_any_college_page(cast, login):
    response = login(cast.production_member).get(reverse("college_detail", args=["patrimoine"]))
    assert response.status_code == 200
    assert cast.patrimoine_member.get_full_name() in response.content.decode()


def test_unknown_college_is_a_404(cast, login):
    assert login(cast.production_member).get(reverse("college_detail", args=["cuisine"])).status_code == 404


def test_deactivated_member_is_not_counted(cast, login):
    from intranet import actions

    before = CollegeMembership.objects.filter(college__slug="production", user__is_active=True).count()
    actions.deactivate_member(cast.staff, user=cast.coordinator)
    page = login(cast.production_member).get(reverse("home")).content.decode()
    assert f"{before - 1} membres" in page[page.index('id="colleges-title"') :]


def test_board_members_see_the_board_on_their_home_page(cast, login):
    page = login(cast.board_member).get(reverse("home")).content.decode()
    board = page[page.index('id="board-title"') :]
    names = [cast.president.get_full_name(), cast.secretary.get_full_name(), cast.board_member.get_full_name()]
    # Officers first (president, secretary), then board members.
    assert [board.index(name) for name in names] == sorted(board.index(name) for name in names)
    # Each officer's office beside their name, in the page's language; none for a board member.
    assert board.count('class="badge badge--accent"') == 2
    assert "président·e" in board and "secrétaire" in board.lower()


def test_members_off_the_board_do_not_get_the_board_card(cast, login):
    page = login(cast.production_member).get(reverse("home")).content.decode()
    assert 'id="board-title"' not in page


def test_college_page_shows_its_forum_to_its_members_only(cast, login):
    page = login(cast.production_member).get(reverse("college_detail", args=["production"])).content.decode()
    assert reverse("forums:forum", args=["production"]) in page
    page = login(cast.patrimoine_member).get(reverse("college_detail", args=["production"])).content.decode()
    assert reverse("forums:forum", args=["production"]) not in page
