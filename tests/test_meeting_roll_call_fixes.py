"""The roll call is taken in the room, once the meeting has started: not days before, when it
would hide from the quorum the answers members give afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.api import token_client
from tests.helpers import signed_in, text_of
from workflows.meetings import actions
from workflows.meetings.models import Answer, Attendance, Meeting

pytestmark = pytest.mark.django_db

ROLL_CALL_BUTTON = "Noter qui est en séance"


@pytest.fixture
def convened(cast):
    """Convened for ten days from now (the secretary, the president and a board member)."""
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Poitiers")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget")
    return actions.convene(cast.secretary, meeting=meeting)


def test_before_the_meeting_starts_the_roll_call_is_neither_offered_nor_taken(cast, convened):
    secretary = signed_in(cast.secretary)
    page_url = reverse("meetings:detail", args=[convened.pk])
    assert ROLL_CALL_BUTTON not in text_of(secretary.get(page_url))

    posted = secretary.post(reverse("meetings:presence", args=[convened.pk]), {"present": [cast.secretary.pk]})
    assert posted.status_code == 403
    api = token_client(cast.secretary).post(
        f"/api/v1/meetings/{convened.pk}/presence/", {"present": [cast.secretary.pk]}, format="json"
    )
    assert api.status_code == 403
    assert not Attendance.objects.filter(meeting=convened, present_in_room__isnull=False).exists()

    # The answers given afterwards still make the quorum (2 of 3 needed).
    signed_in(cast.president).post(reverse("meetings:answer", args=[convened.pk]), {"answer": Answer.PRESENT})
    signed_in(cast.board_member).post(reverse("meetings:answer", args=[convened.pk]), {"answer": Answer.PRESENT})
    page = text_of(secretary.get(page_url))
    assert "Quorum atteint\u00a0:" in page and "D'après les réponses" in page


def test_once_the_meeting_has_started_the_secretary_takes_the_roll_call(cast, convened):
    Meeting.objects.filter(pk=convened.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    secretary = signed_in(cast.secretary)
    assert ROLL_CALL_BUTTON in text_of(secretary.get(reverse("meetings:detail", args=[convened.pk])))
    posted = secretary.post(reverse("meetings:presence", args=[convened.pk]), {"present": [cast.secretary.pk]})
    assert posted.status_code == 302
    api = token_client(cast.secretary).post(
        f"/api/v1/meetings/{convened.pk}/presence/", {"present": [cast.secretary.pk, cast.president.pk]}, format="json"
    )
    assert api.status_code == 200 and api.json()["quorum_from_roll_call"] is True
