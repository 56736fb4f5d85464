"""The attendance table's column is the member's answer (a noun), not the button that answers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.helpers import signed_in, speaking
from workflows.meetings import actions

pytestmark = pytest.mark.django_db


def _column_headings(page: str) -> list[str]:
    table = re.search(r'<table class="table-stack">.*?</table>', page, re.S).group(0)
    return re.findall(r'<th scope="col">([^<]*)</th>', table)


def test_the_attendance_column_reads_reponse_and_the_button_still_repondre(cast):
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Poitiers")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget")
    meeting = actions.convene(cast.secretary, meeting=meeting)
    page = signed_in(cast.board_member).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert _column_headings(page) == ["Membre du conseil", "Réponse", "Pouvoir à", "En séance"]
    assert 'data-label="Réponse"' in page and 'data-label="Répondre"' not in page
    assert '<button type="submit">Répondre</button>' in page  # the answer form's button is a verb

    english = signed_in(speaking(cast.board_member, "en")).get(reverse("meetings:detail", args=[meeting.pk]))
    assert _column_headings(english.content.decode())[1] == "Answer"
