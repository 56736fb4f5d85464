"""The decision register: every member reads it, filters it, prints it and exports it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from tests.factories import make_proposal
from tests.helpers import recount_navigation
from workflows import actions
from workflows.models import Decision

EVERYONE = [
    "staff", "coordinator", "production_member", "president", "diffusion_member",
    "board_member", "secretary", "education_member", "patrimoine_member", "outsider",
]  # fmt: skip


def decide(cast, title, *, college="production", choice="for") -> Decision:
    proposal = make_proposal(getattr(cast, f"{college}_member"), college=college, title=title)
    vote = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=1))
    actions.cast_ballot(cast.board_member, vote=vote, choice=choice)
    actions.cast_ballot(cast.president, vote=vote, choice=choice)
    actions.close_board_vote(cast.secretary, vote=vote)
    return Decision.objects.get(vote=vote)


@pytest.fixture
def decisions(cast):
    return [
        decide(cast, "Adhésion au réseau national"),
        decide(cast, '=HYPERLINK("http://evil")', college="diffusion", choice="against"),
    ]


@pytest.mark.parametrize("person", EVERYONE)
def test_every_member_reads_the_register_and_each_decision(cast, login, decisions, person):
    client = login(getattr(cast, person))
    page = client.get(reverse("workflows:register")).content.decode()
    assert decisions[0].number in page and "Adhésion au réseau national" in page
    assert client.get(reverse("workflows:decision", args=[decisions[0].number])).status_code == 200


def test_anonymous_visitors_are_sent_to_login_from_every_register_route(client, decisions):
    _prefix, resolver = get_resolver().namespace_dict["workflows"]
    names = {name for name in resolver.reverse_dict if isinstance(name, str)}
    assert names == {"register", "register_print", "register_csv", "decision"}
    for name in names:
        url = reverse(f"workflows:{name}", args=[decisions[0].number] if name == "decision" else [])
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_filters_by_college_and_outcome(cast, login, decisions):
    client = login(cast.production_member)
    page = client.get(reverse("workflows:register"), {"college": "diffusion"}).content.decode()
    assert decisions[1].number in page and decisions[0].number not in page
    page = client.get(reverse("workflows:register"), {"outcome": "adopted"}).content.decode()
    assert decisions[0].number in page and decisions[1].number not in page
    page = client.get(reverse("workflows:register"), {"year": "1999"}).content.decode()
    assert decisions[0].number in page  # an unknown year is ignored, not an error


def test_a_missing_decision_is_a_404(cast, login):
    assert login(cast.production_member).get(reverse("workflows:decision", args=["CA-1999-001"])).status_code == 404


def test_csv_export_is_readable_and_defuses_formulas(cast, login, decisions):
    response = login(cast.outsider).get(reverse("workflows:register_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    titles = {row[0]: row[2] for row in rows[1:]}
    assert titles[decisions[0].number] == "Adhésion au réseau national"
    assert titles[decisions[1].number].startswith("'=")  # not run as a formula by a spreadsheet


def test_printable_view_lists_the_full_texts(cast, login, decisions):
    page = login(cast.outsider).get(reverse("workflows:register_print")).content.decode()
    assert "Le collège propose : Adhésion au réseau national." in page
    assert "<nav" not in page  # no page furniture on paper


def test_register_queries_do_not_grow_with_decisions(cast, login, decisions, django_assert_max_num_queries):
    client = login(cast.production_member)
    recount_navigation(cast.production_member)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("workflows:register"))
    for index in range(5):
        decide(cast, f"Décision {index}")
    recount_navigation(cast.production_member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("workflows:register"))
