"""A page reads the person's roles once; the answers it gives from them are those the database
would give question by question."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet import policies
from intranet.models import College
from tests.factories import make_member
from workflows.archives import policies as archive_policies

pytestmark = pytest.mark.django_db


def test_the_heritage_coordinator_is_known_from_the_roles_read_once(cast):
    heritage_coordinator = make_member(
        actor=cast.staff, college="patrimoine", role="coordinator", email="coord.patrimoine@example.org"
    )
    people = [*vars(cast).values(), heritage_coordinator]

    def answers():
        return {person.email: archive_policies.coordinates_heritage(person) for person in people}

    asked_one_by_one = answers()
    assert [email for email, yes in asked_one_by_one.items() if yes] == [heritage_coordinator.email]
    for person in people:
        with policies.roles_read_once(person):
            policies.is_board_member(person)  # the roles, read at the page's first question
            with CaptureQueriesContext(connection) as queries:
                assert archive_policies.coordinates_heritage(person) == asked_one_by_one[person.email]
            assert len(queries) == 0, person.email
    # A collège closed: its coordinators no longer give its opinion, however the roles are read.
    College.objects.filter(slug="patrimoine").update(is_active=False)
    with policies.roles_read_once(heritage_coordinator):
        assert not archive_policies.coordinates_heritage(heritage_coordinator)
    assert not archive_policies.coordinates_heritage(heritage_coordinator)
