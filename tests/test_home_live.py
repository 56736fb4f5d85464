"""The member's home, live beyond the forums: an upload, a proposal that moved or a decision tells
the open homes of those who may see it, with a frame that names nothing; the home then reads its
news again, from the same moment, through the policies."""

import re
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse
from django.utils import timezone

from intranet.models import HomeVisit
from tests.factories import make_member, make_proposal, make_staff
from tests.helpers import root_of, upload
from tests.test_forum_live import subscribe
from tests.test_realtime import greeted_socket

pytestmark = pytest.mark.django_db(transaction=True)
CHANGED = {"event": "activity.changed", "data": {}}


@pytest.fixture
def people(association_bodies):
    from intranet.models import College

    staff = make_staff()
    return {
        "staff": staff,
        "colleague": make_member(actor=staff, college="production", email="collegue@example.org"),
        "reader": make_member(actor=staff, college="production", email="lectrice@example.org"),
        "outsider": make_member(actor=staff, college="diffusion", email="diffusion@example.org"),
        "production": College.objects.get(slug="production"),
    }


async def test_an_upload_tells_the_homes_of_its_collège_and_no_other(people):
    reader = await greeted_socket(people["reader"])
    outsider = await greeted_socket(people["outsider"])
    production = people["production"].pk
    assert (await subscribe(reader, "activity", production))["event"] == "subscribed"
    # Another collège's news: refused as a missing one would be.
    refused = await subscribe(outsider, "activity", production)
    assert refused == {"event": "error", "data": {"code": "not_found", "channel": "activity", "id": production}}
    assert (await subscribe(outsider, "activity", 0))["event"] == "subscribed"

    await sync_to_async(lambda: upload(people["colleague"], root_of("college-production"), "budget-2027.txt"))()
    assert await reader.receive_json_from(timeout=3) == CHANGED  # nothing named in it
    assert await outsider.receive_nothing(timeout=0.3)
    for socket in (reader, outsider):
        await socket.disconnect()


async def test_a_proposal_forwarded_to_the_board_tells_every_member_s_home(people):
    outsider = await greeted_socket(people["outsider"])
    assert (await subscribe(outsider, "activity", 0))["event"] == "subscribed"
    await sync_to_async(make_proposal)(people["colleague"], stage="on_agenda")
    assert await outsider.receive_json_from(timeout=3) == CHANGED
    await outsider.disconnect()


async def test_nothing_is_told_when_the_upload_rolls_back(people):
    from django.db import transaction

    reader = await greeted_socket(people["reader"])
    await subscribe(reader, "activity", people["production"].pk)

    def rolled_back():
        with transaction.atomic():
            upload(people["colleague"], root_of("college-production"), "brouillon.txt")
            transaction.set_rollback(True)

    await sync_to_async(rolled_back)()
    assert await reader.receive_nothing(timeout=0.5)
    await reader.disconnect()


def test_the_home_reads_its_news_again_from_the_same_moment_without_moving_the_visit(people, login):
    client = login(people["reader"])
    client.get(reverse("home"))
    visit = HomeVisit.objects.get(user=people["reader"])
    since = timezone.now() - timedelta(hours=1)
    upload(people["colleague"], root_of("college-production"), "budget-2027.txt")
    answer = client.get(reverse("home_news"), {"depuis_le": since.isoformat()})
    assert answer.status_code == 200
    assert "budget-2027.txt" in answer.content.decode()
    assert HomeVisit.objects.get(user=people["reader"]).since == visit.since
    # Someone who may not open the folder reads nothing of it.
    outsider = login(people["outsider"]).get(reverse("home_news"), {"depuis_le": since.isoformat()})
    assert "budget-2027.txt" not in outsider.content.decode()


@pytest.mark.parametrize(
    "moment", ["", "hier", "2026-13-45T10:00:00+00:00", "2026-01-01T10:00:00", "2999-01-01T00:00Z"]
)
def test_a_moment_the_home_cannot_show_is_refused_with_a_message(people, login, moment):
    answer = login(people["reader"]).get(reverse("home_news"), {"depuis_le": moment})
    assert answer.status_code == 400
    assert "Cette période ne peut pas être affichée." in answer.content.decode()


def test_the_home_follows_the_news_of_the_reader_s_collèges_and_staff_s_of_all(people, login):
    from intranet.models import College

    def followed(person):
        page = login(person).get(reverse("home")).content.decode()
        return {int(found) for found in re.findall(r'data-live-channel="activity" data-live-id="(\d+)"', page)}

    assert followed(people["reader"]) == {people["production"].pk, 0}
    assert followed(people["staff"]) == {*College.objects.filter(is_active=True).values_list("pk", flat=True), 0}
