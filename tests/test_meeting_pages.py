"""A board meeting through its pages: planned, its agenda built, convened (with its late-notice
confirmation), answered with a proxy, the roll call and the quorum; its .ics and each member's
calendar feed, parsed back by a calendar library."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.factories import make_proposal
from tests.helpers import signed_in, text_of
from workflows.meetings import actions
from workflows.meetings.models import Answer, Meeting, MeetingStatus

pytestmark = pytest.mark.django_db


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_secretary_plans_builds_the_agenda_and_convenes_and_members_answer(cast):
    proposal = make_proposal(cast.production_member, title="Festival des films d'école")
    secretary = signed_in(cast.secretary)
    starts_at = timezone.now() + timedelta(days=12)
    response = secretary.post(reverse("meetings:new"), {"starts_at": local(starts_at), "place": "Poitiers"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("meetings:detail", args=[meeting.pk])

    page = text_of(secretary.get(response.url))
    assert "Festival des films d'école" in page and "Inscrire «\xa0Festival" in page
    secretary.post(reverse("meetings:add_proposal", args=[meeting.pk]), {"proposal": proposal.pk})
    secretary.post(reverse("meetings:add_item", args=[meeting.pk]), {"kind": "other", "title": "Questions diverses"})
    assert list(meeting.items.values_list("title", flat=True)) == ["Festival des films d'école", "Questions diverses"]
    meeting.refresh_from_db()
    response = secretary.post(reverse("meetings:convene", args=[meeting.pk]), {"revision": meeting.revision})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONVENED

    member = signed_in(cast.board_member)
    page = text_of(member.get(reverse("meetings:detail", args=[meeting.pk])))
    assert "Ma présence" in page and "Convoquer le conseil" not in page
    response = member.post(
        reverse("meetings:answer", args=[meeting.pk]), {"answer": Answer.PROXY, "proxy_to": cast.president.pk}
    )
    assert response.status_code == 302
    signed_in(cast.president).post(reverse("meetings:answer", args=[meeting.pk]), {"answer": Answer.PRESENT})
    page = text_of(secretary.get(reverse("meetings:detail", args=[meeting.pk])))
    # 3 on the board (member, president, secretary): 1 present + 1 represented reach 2 needed.
    assert "Quorum atteint\u00a0:" in page and "2 membres du conseil présents ou représentés" in page
    assert "D'après les réponses" in page

    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))  # in session
    response = secretary.post(reverse("meetings:presence", args=[meeting.pk]), {"present": [cast.secretary.pk]})
    assert response.status_code == 302
    page = text_of(secretary.get(reverse("meetings:detail", args=[meeting.pk])))
    assert "Quorum non atteint" in page and "D'après les réponses" not in page


def test_a_late_convocation_is_asked_to_be_confirmed_and_the_page_says_why(cast):
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=2), place="Limoges")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget")
    meeting.refresh_from_db()
    secretary = signed_in(cast.secretary)
    response = secretary.post(reverse("meetings:convene", args=[meeting.pk]), {"revision": meeting.revision + 1})
    assert response.status_code == 409 and "modifié cette séance entre-temps" in text_of(response)
    response = secretary.post(reverse("meetings:convene", args=[meeting.pk]), {"revision": meeting.revision})
    assert response.status_code == 409 and "Les statuts demandent un délai de 8\xa0jours" in text_of(response)
    response = secretary.post(
        reverse("meetings:convene", args=[meeting.pk]), {"revision": meeting.revision, "confirm_late": "on"}
    )
    assert response.status_code == 302
    assert "hors du délai des statuts" in text_of(secretary.get(reverse("meetings:detail", args=[meeting.pk])))


def test_bad_input_is_said_and_nothing_is_saved(cast):
    secretary = signed_in(cast.secretary)
    past = timezone.now() - timedelta(days=1)
    response = secretary.post(reverse("meetings:new"), {"starts_at": local(past), "place": "Poitiers"})
    assert response.status_code == 400 and "dans le futur" in text_of(response)
    response = secretary.post(reverse("meetings:new"), {"starts_at": "demain", "place": "Poitiers"})
    assert response.status_code == 400
    assert not Meeting.objects.exists()
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Tulle")
    response = secretary.post(reverse("meetings:add_proposal", args=[meeting.pk]), {"proposal": "99999"})
    assert response.status_code == 409 and "plus en attente" in text_of(response)
    response = secretary.post(reverse("meetings:add_item", args=[meeting.pk]), {"kind": "proposal", "title": "X"})
    assert response.status_code == 400 and not meeting.items.exists()


def test_meetings_are_for_the_board_and_staff_with_the_same_404_for_others(cast):
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Tulle")
    for person, status in ((cast.production_member, 404), (cast.board_member, 200), (cast.staff, 200)):
        assert signed_in(person).get(reverse("meetings:detail", args=[meeting.pk])).status_code == status
        assert signed_in(person).get(reverse("meetings:list")).status_code == status
    assert signed_in(cast.production_member).get(reverse("meetings:detail", args=[meeting.pk + 1])).status_code == 404
    # A board member sees the meeting but does not plan, change the agenda or convene it.
    member = signed_in(cast.board_member)
    assert member.post(reverse("meetings:convene", args=[meeting.pk]), {}).status_code == 403
    assert (
        member.post(reverse("meetings:add_item", args=[meeting.pk]), {"kind": "other", "title": "X"}).status_code == 403
    )


def test_the_invitation_and_the_personal_feed_parse_back_and_a_new_address_revokes_the_old(cast):
    meeting = actions.plan_meeting(
        cast.secretary,
        starts_at=timezone.now() + timedelta(days=10),
        place="Tulle",
        video_link="https://visio.example.org/ca",
    )
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget 2027")
    actions.convene(cast.secretary, meeting=meeting)
    member = signed_in(cast.board_member)
    invitation = Calendar.from_ical(member.get(reverse("meetings:ics", args=[meeting.pk])).content)
    [event] = invitation.walk("VEVENT")
    assert event.decoded("dtstart") == meeting.starts_at.replace(microsecond=0)
    assert str(event["location"]) == "Tulle" and "Budget 2027" in str(event["description"])

    page = text_of(member.get(reverse("meetings:list")))
    feed_url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page).group(1)
    anonymous = Client()
    feed = anonymous.get(feed_url)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert [str(each["uid"]) for each in Calendar.from_ical(feed.content).walk("VEVENT")] == [str(event["uid"])]
    member.post(reverse("meetings:feed_renew"))
    assert anonymous.get(feed_url).status_code == 404
    assert anonymous.get(feed_url.replace(".ics", "x.ics")).status_code == 404
    # Someone who is no longer on the board gets an empty calendar, never the meetings.
    from workflows.meetings.calendar import feed_token
    from workflows.meetings.models import CalendarFeed

    renewed = reverse("meetings:feed", args=[feed_token(CalendarFeed.objects.get(user=cast.board_member))])
    assert len(Calendar.from_ical(anonymous.get(renewed).content).walk("VEVENT")) == 1
    cast.board_member.board_membership.delete()
    assert Calendar.from_ical(anonymous.get(renewed).content).walk("VEVENT") == []


def test_my_tasks_lists_the_convocation_until_answered_and_the_register_links_to_meetings(cast):
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Tulle")
    meeting_link = f'href="{reverse("meetings:detail", args=[meeting.pk])}"'
    secretary, member = signed_in(cast.secretary), signed_in(cast.board_member)
    assert meeting_link in secretary.get(reverse("proposals:tasks")).content.decode()  # to convene
    assert meeting_link not in member.get(reverse("proposals:tasks")).content.decode()  # not convened yet
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget")
    actions.convene(cast.secretary, meeting=meeting)
    page = text_of(member.get(reverse("proposals:tasks")))
    assert "Séances du conseil qui m'attendent" in page and "donnez un pouvoir" in page
    member.post(reverse("meetings:answer", args=[meeting.pk]), {"answer": Answer.ABSENT})
    assert meeting_link not in member.get(reverse("proposals:tasks")).content.decode()
    assert "Séances du conseil qui m'attendent" not in text_of(
        signed_in(cast.production_member).get(reverse("proposals:tasks"))
    )

    meetings_link = f'href="{reverse("meetings:list")}"'
    assert meetings_link in member.get(reverse("workflows:register")).content.decode()
    assert meetings_link not in signed_in(cast.production_member).get(reverse("workflows:register")).content.decode()


def test_a_free_item_links_its_documents_and_its_notes_are_sanitised(cast):
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=20), place="Niort")
    notes = "Voir [le budget](/documents/documents/12/) <script>alert(1)</script> **avant** la séance."
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget 2027", notes=notes)
    page = signed_in(cast.board_member).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert '<a href="/documents/documents/12/"' in page and "<strong>avant</strong>" in page
    assert "<script>alert(1)</script>" not in page


def words(response) -> str:
    """The page's text without its tags."""
    return re.sub(r"<[^>]+>", "", text_of(response))


def test_a_board_member_sees_their_own_answer_and_proxy_on_the_meeting_page_even_once_it_started(cast):
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Tulle")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget")
    meeting = actions.convene(cast.secretary, meeting=meeting)
    url = reverse("meetings:detail", args=[meeting.pk])
    member = signed_in(cast.board_member)
    assert "Vous n'avez pas encore répondu." in words(member.get(url))
    actions.answer(cast.board_member, meeting=meeting, choice=Answer.PROXY, proxy_to=cast.president)
    president = cast.president.get_full_name()
    mine = f"Votre réponse\xa0: absent, donne pouvoir — Votre pouvoir est donné à {president}."
    assert mine in words(member.get(url))
    held = f"Vous détenez le pouvoir de {cast.board_member.get_full_name()}."
    assert held in words(signed_in(cast.president).get(url)) and held not in words(member.get(url))
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    page = words(member.get(url))
    answer_form = f'action="{reverse("meetings:answer", args=[meeting.pk])}"'
    assert mine in page and answer_form not in member.get(url).content.decode()  # too late to change, still said
    assert "Vous n'avez pas répondu à la convocation." in text_of(signed_in(cast.secretary).get(url))
