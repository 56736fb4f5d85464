"""The statutes' rules of the board's meetings (notice, proxies held, quorum): a staff page, linked
from the staff screens, audited; a meeting keeps the rules it was convened under."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from intranet.exceptions import ActionRefused
from intranet.models import AuditEntry
from workflows.meetings import actions, statutes
from workflows.meetings.models import MeetingSettings

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_staff_reach_the_rules_from_their_screens_and_change_them_for_meetings_convened_afterwards(cast, login):
    staff = login(cast.staff)
    assert reverse("meetings:rules") in staff.get(reverse("staff_dashboard")).content.decode()
    page = page_text(staff.get(reverse("meetings:rules")))
    assert "Règles des séances du conseil" in page and 'name="convocation_days" value="8"' in page
    before = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=30), place="Poitiers")
    actions.add_free_item(cast.secretary, meeting=before, kind="information", title="Budget")
    before = actions.convene(cast.secretary, meeting=before)

    response = staff.post(
        reverse("meetings:rules"), {"convocation_days": "15", "max_proxies_held": "2", "quorum_percent": "60"}
    )
    assert response.status_code == 302 and response.url == reverse("meetings:rules")
    assert "Les règles des séances sont enregistrées" in page_text(staff.get(response.url))
    rules = MeetingSettings.current()
    assert (rules.convocation_days, rules.max_proxies_held, rules.quorum_percent) == (15, 2, 60)
    entry = AuditEntry.objects.get(action="meeting.rules_changed")
    assert entry.actor == cast.staff and entry.details == {
        "convocation_days": {"from": 8, "to": 15}, "max_proxies_held": {"from": 1, "to": 2},
        "quorum_percent": {"from": 50, "to": 60},
    }  # fmt: skip
    assert "règles des séances modifiées" in page_text(staff.get(reverse("staff_audit_log")))

    before.refresh_from_db()
    assert (before.quorum_percent, before.max_proxies_held) == (50, 1)  # convened under the old rules
    after = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Niort")
    actions.add_free_item(cast.secretary, meeting=after, kind="information", title="Budget")
    with pytest.raises(ActionRefused, match="15"):  # 10 days is now too short a notice
        actions.convene(cast.secretary, meeting=after)
    after = actions.convene(cast.secretary, meeting=after, confirm_late=True)
    assert (after.quorum_percent, after.max_proxies_held, after.convened_late) == (60, 2, True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quorum_percent", "0", "supérieure ou égale à 1"),
        ("quorum_percent", "150", "inférieure ou égale à 100"),
        ("convocation_days", "120", "inférieure ou égale à 90"),
        ("max_proxies_held", "-1", "supérieure ou égale à 0"),
        ("convocation_days", "huit", "Saisissez un nombre entier"),
    ],
)
def test_rules_out_of_their_bounds_are_refused_with_a_message_and_nothing_is_saved(cast, login, field, value, message):
    data = {"convocation_days": "8", "max_proxies_held": "1", "quorum_percent": "50", field: value}
    response = login(cast.staff).post(reverse("meetings:rules"), data)
    assert response.status_code == 400 and message in page_text(response)
    assert f'value="{value}"' in response.content.decode()  # kept in the form to correct it
    assert not MeetingSettings.objects.exists() and not AuditEntry.objects.filter(action="meeting.rules_changed")


def test_the_action_refuses_what_the_form_would_let_through_and_is_for_staff_only(cast):
    with pytest.raises(ActionRefused, match="de 1 à 100"):
        statutes.change_meeting_rules(cast.staff, convocation_days=8, max_proxies_held=1, quorum_percent=0)
    with pytest.raises(PermissionDenied):
        statutes.change_meeting_rules(cast.secretary, convocation_days=8, max_proxies_held=1, quorum_percent=50)
    assert not MeetingSettings.objects.exists()


@pytest.mark.parametrize("person", ["president", "secretary", "board_member", "production_member"])
def test_only_staff_open_the_meeting_rules_and_others_get_the_same_404(cast, login, person):
    client = login(getattr(cast, person))
    assert client.get(reverse("meetings:rules")).status_code == 404
    data = {"convocation_days": "1", "max_proxies_held": "5", "quorum_percent": "1"}
    assert client.post(reverse("meetings:rules"), data).status_code == 404
    assert not MeetingSettings.objects.exists()
