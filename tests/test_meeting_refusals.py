"""What the walk through the meetings found: each refusal is said in the page (or the API) in
the reader's language, never a 500, and the page keeps what was typed; the calendars stand a
meeting stored at the end of time; a tie broken by the president says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from intranet.exceptions import ActionRefused
from tests.api import token_client
from tests.factories import make_held_meeting, make_member, make_proposal
from tests.helpers import signed_in, text_of
from workflows.meetings import actions, holding
from workflows.meetings.calendar import feed_token
from workflows.meetings.minutes import save_minutes
from workflows.meetings.minutes_text import first_draft
from workflows.meetings.models import AgendaItem, Answer, CalendarFeed, ItemKind, Meeting, MeetingStatus

pytestmark = pytest.mark.django_db


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def detail(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


@pytest.fixture
def planned(cast):
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=15), place="Poitiers")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Point sur le budget")
    return meeting


@pytest.fixture
def session(cast):
    """Convened, started, with a proposal and an information item, everyone in the room."""
    proposal = make_proposal(cast.production_member, title="Festival des films d'école")
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Poitiers")
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=[proposal])
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Point sur le budget")
    actions.convene(cast.secretary, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    meeting = Meeting.objects.get(pk=meeting.pk)
    present = [cast.secretary.pk, cast.president.pk, cast.board_member.pk]
    actions.record_presence(cast.secretary, meeting=meeting, present=present)
    return meeting


# --- 1. Planned at the end of time ------------------------------------------------------------


def test_a_meeting_further_than_two_years_ahead_is_refused_in_the_page_keeping_what_was_typed(cast):
    secretary = signed_in(cast.secretary)
    response = secretary.post(reverse("meetings:new"), {"starts_at": "9999-12-31T23:59", "place": "Salle des fêtes"})
    page = text_of(response)
    assert response.status_code == 400 and "au plus deux ans à l'avance" in page
    assert 'value="Salle des fêtes"' in page and not Meeting.objects.exists()
    with pytest.raises(ActionRefused):
        actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=800), place="Tulle")
    assert actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=700), place="Tulle")


def test_a_meeting_stored_at_the_end_of_time_still_gives_its_invitation_and_the_feeds(cast, planned):
    # Planned before the bound existed: the calendars answer instead of a 500.
    end_of_time = datetime(9999, 12, 31, 22, 59, tzinfo=UTC)  # 23:59 in Paris, as typed
    Meeting.objects.filter(pk=planned.pk).update(starts_at=end_of_time, status=MeetingStatus.CONVENED)
    member = signed_in(cast.board_member)
    response = member.get(reverse("meetings:ics", args=[planned.pk]))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert response.status_code == 200 and event.decoded("dtend") >= event.decoded("dtstart")
    feed, _created = CalendarFeed.objects.get_or_create(user=cast.board_member)
    response = member.get(reverse("meetings:feed", args=[feed_token(feed)]))
    assert response.status_code == 200 and len(Calendar.from_ical(response.content).walk("VEVENT")) == 1


# --- 11. The video link -----------------------------------------------------------------------


@pytest.mark.parametrize("link", ["ftp://visio.example.org/ca", "http://visio.example.org/ca"])
def test_a_video_link_other_than_https_is_refused_saying_why(cast, link):
    secretary = signed_in(cast.secretary)
    starts_at = local(timezone.now() + timedelta(days=12))
    response = secretary.post(reverse("meetings:new"), {"starts_at": starts_at, "video_link": link})
    page = text_of(response)
    assert response.status_code == 400 and "commençant par https://" in page and f'value="{link}"' in page
    with pytest.raises(ActionRefused) as refused:
        actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=12), video_link=link)
    assert refused.value.field == "video_link" and not Meeting.objects.exists()
    meeting = actions.plan_meeting(
        cast.secretary, starts_at=timezone.now() + timedelta(days=12), video_link="https://visio.example.org/ca"
    )
    assert meeting.video_link == "https://visio.example.org/ca"


# --- 5. Proxies to someone who will be there ---------------------------------------------------


@pytest.fixture
def convened(cast, planned):
    return actions.convene(cast.secretary, meeting=planned)


@pytest.mark.parametrize("holder_answer", [Answer.ABSENT, Answer.PROXY])
def test_a_proxy_to_a_member_who_will_not_attend_is_refused(cast, convened, holder_answer):
    fourth = make_member(actor=cast.staff, board_role="member", first_name="Lou", last_name="Quatre")
    actions.answer(cast.president, meeting=convened, choice=holder_answer, proxy_to=fourth)
    response = signed_in(cast.board_member).post(
        reverse("meetings:answer", args=[convened.pk]), {"answer": Answer.PROXY, "proxy_to": cast.president.pk}
    )
    assert response.status_code == 409 and "donnez votre pouvoir à un membre qui y sera" in text_of(response)
    client = token_client(cast.board_member)
    refused = client.post(
        f"/api/v1/meetings/{convened.pk}/answer/", {"answer": "proxy", "proxy_to": cast.president.pk}, format="json"
    )
    assert refused.status_code == 400 and "ne sera pas à la séance" in refused.json()["detail"]


def test_a_member_holding_a_proxy_stays_present_until_it_is_taken_back(cast, convened):
    actions.answer(cast.board_member, meeting=convened, choice=Answer.PROXY, proxy_to=cast.president)
    president = signed_in(cast.president)
    response = president.post(reverse("meetings:answer", args=[convened.pk]), {"answer": Answer.ABSENT})
    name = cast.board_member.get_full_name()
    assert response.status_code == 409 and f"Vous détenez le pouvoir de {name}\xa0: tant qu" in text_of(response)
    with pytest.raises(ActionRefused):
        actions.answer(cast.president, meeting=convened, choice=Answer.PROXY, proxy_to=cast.secretary)
    actions.answer(cast.president, meeting=convened, choice=Answer.PRESENT)
    actions.answer(cast.board_member, meeting=convened, choice=Answer.ABSENT)  # taken back
    actions.answer(cast.president, meeting=convened, choice=Answer.ABSENT)


# --- 2. Convening once the time has passed ------------------------------------------------------


def test_a_meeting_whose_time_has_passed_is_not_convened_even_confirmed_late(cast, planned):
    Meeting.objects.filter(pk=planned.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    planned.refresh_from_db()
    response = signed_in(cast.secretary).post(
        reverse("meetings:convene", args=[planned.pk]), {"revision": planned.revision, "confirm_late": "on"}
    )
    assert response.status_code == 409 and "L'heure de cette séance est passée" in text_of(response)
    assert Meeting.objects.get(pk=planned.pk).status == MeetingStatus.PLANNED


# --- 3. and 7. Votes the page no longer offers, and counts of nothing --------------------------


def test_a_second_vote_on_an_item_and_counts_for_an_information_item_are_said_on_top(cast, session):
    proposal_item, information = session.items.order_by("position")
    secretary = signed_in(cast.secretary)
    counts = {"votes_for": 3, "votes_against": 0, "abstentions": 0}
    url = reverse("meetings:record_vote", args=[session.pk, proposal_item.pk])
    assert secretary.post(url, {f"vote{proposal_item.pk}-{k}": v for k, v in counts.items()}).status_code == 302
    again = secretary.post(url, {f"vote{proposal_item.pk}-{k}": v for k, v in counts.items()})
    assert again.status_code == 409 and "message--error" in again.content.decode()
    assert "Le vote sur ce point est déjà enregistré" in text_of(again)
    roll = secretary.post(url, {"mode": "roll_call", f"roll{proposal_item.pk}-voter_{cast.secretary.pk}": "for"})
    assert roll.status_code == 409 and "Le vote sur ce point est déjà enregistré" in text_of(roll)
    # Sent again with counts the form would refuse: the page shows no form to show them in.
    bad = secretary.post(url, {f"vote{proposal_item.pk}-votes_for": "trois"})
    assert bad.status_code == 409 and "Le vote sur ce point est déjà enregistré" in text_of(bad)
    url = reverse("meetings:record_vote", args=[session.pk, information.pk])
    response = secretary.post(url, {f"vote{information.pk}-{k}": v for k, v in counts.items()})
    assert response.status_code == 409 and "«\xa0Point sur le budget\xa0» n'est pas mis aux voix" in text_of(response)
    response = secretary.post(url, {f"vote{information.pk}-votes_for": "-1"})
    assert response.status_code == 409 and "«\xa0Point sur le budget\xa0» n'est pas mis aux voix" in text_of(response)


def test_counts_that_add_up_to_nothing_are_refused_and_the_item_stays_to_vote(cast, session):
    proposal_item = session.items.order_by("position").first()
    url = reverse("meetings:record_vote", args=[session.pk, proposal_item.pk])
    zeros = {f"vote{proposal_item.pk}-{name}": 0 for name in ("votes_for", "votes_against", "abstentions")}
    response = signed_in(cast.secretary).post(url, zeros)
    assert response.status_code == 409 and "Rien n'a été compté" in text_of(response)
    assert AgendaItem.objects.get(pk=proposal_item.pk).vote_id is None
    api = token_client(cast.secretary).post(
        f"/api/v1/meetings/{session.pk}/items/{proposal_item.pk}/vote/",
        {"votes_for": 0, "votes_against": 0, "abstentions": 0},
        format="json",
    )
    assert api.status_code == 400 and "Rien n'a été compté" in api.json()["detail"]
    with pytest.raises(ActionRefused):
        holding.record_vote(cast.secretary, item=proposal_item, ballots={})  # a roll call of nobody


def test_the_approval_of_minutes_with_counts_of_nothing_is_refused(cast):
    held = make_held_meeting(cast.secretary, minutes="# Présences\n\nTout le monde.")
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Niort")
    actions.convene(cast.secretary, meeting=meeting, confirm_late=True)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    meeting.refresh_from_db()
    actions.record_presence(cast.secretary, meeting=meeting, present=[cast.secretary.pk, cast.president.pk])
    item = meeting.items.get(minutes_of=held)
    with pytest.raises(ActionRefused, match="Rien n'a été compté"):
        holding.record_item_vote(cast.secretary, item=item, votes_for=0, votes_against=0, abstentions=0)


# --- 8. and 10. Moving items --------------------------------------------------------------------


def test_moving_past_either_end_says_nothing_moved_and_an_unknown_direction_is_a_400(cast, planned):
    actions.add_free_item(cast.secretary, meeting=planned, kind="other", title="Questions diverses")
    first, last = planned.items.order_by("position")
    secretary = signed_in(cast.secretary)
    response = secretary.post(reverse("meetings:move_item", args=[planned.pk, first.pk]), {"direction": "up"})
    page = text_of(response)
    assert response.status_code == 409 and "rien n'a bougé" in page and "réorganisé" not in page
    response = secretary.post(reverse("meetings:move_item", args=[planned.pk, last.pk]), {"direction": "down"})
    assert response.status_code == 409 and "déjà le dernier" in text_of(response)
    response = secretary.post(reverse("meetings:move_item", args=[planned.pk, first.pk]), {"direction": "sideways"})
    assert response.status_code == 400 and "Choisissez de monter ou de descendre" in text_of(response)
    assert list(planned.items.order_by("position").values_list("pk", flat=True)) == [first.pk, last.pk]


def test_the_approval_of_the_minutes_stays_first_on_the_agenda(cast):
    held = make_held_meeting(cast.secretary, minutes="# Présences\n\nTout le monde.")
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Niort")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget")
    approval, budget = meeting.items.order_by("position")
    assert approval.minutes_of == held
    for item, up in ((approval, False), (budget, True)):
        with pytest.raises(ActionRefused, match="vient en tête"):
            actions.move_item(cast.secretary, item=item, up=up)
    page = text_of(signed_in(cast.secretary).get(detail(meeting)))
    assert "Descendre «\xa0Approbation" not in page and "Monter «\xa0Budget" not in page
    assert [each.pk for each in meeting.items.order_by("position")] == [approval.pk, budget.pk]


# --- 4. The approval's title in each reader's language ------------------------------------------


def test_the_approval_planned_in_english_reads_in_french_and_in_english(cast):
    held = make_held_meeting(cast.secretary, minutes="# Présences\n\nTout le monde.")
    with translation.override("en"):
        meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Niort")
    item = meeting.items.get(kind=ItemKind.MINUTES)
    assert item.title.startswith("Approbation du procès-verbal")  # stored in the association's language
    page = text_of(signed_in(cast.board_member).get(detail(meeting)))
    assert "Approbation du procès-verbal de la séance du" in page and "Approval of the minutes" not in page
    body = token_client(cast.board_member).get(f"/api/v1/meetings/{meeting.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    with translation.override("en"):
        assert item.shown_title.startswith("Approval of the minutes of the meeting of")
    assert body["agenda"][0]["minutes_of"] == held.pk


# --- 6. and 9. A tie the president decided; the calendar's summary ------------------------------


def test_a_tie_decided_by_the_president_says_so_on_the_meeting_page_the_decision_and_the_draft(cast, session):
    proposal_item = session.items.order_by("position").first()
    fourth = make_member(actor=cast.staff, board_role="member")
    present = [cast.secretary.pk, cast.president.pk, cast.board_member.pk, fourth.pk]
    actions.record_presence(cast.secretary, meeting=session, present=present)
    ballots = {
        cast.secretary.pk: "for",
        cast.president.pk: "for",
        cast.board_member.pk: "against",
        fourth.pk: "against",
    }
    vote = holding.record_vote(cast.secretary, item=proposal_item, ballots=ballots)
    assert vote.casting_vote_used and vote.result == "adopted"
    secretary = signed_in(cast.secretary)
    assert "la voix de la présidence a départagé l'égalité" in text_of(secretary.get(detail(session)))
    decision_page = text_of(secretary.get(reverse("workflows:decision", args=[vote.decision.number])))
    assert "Voix prépondérante" in decision_page
    assert "voix prépondérante de la présidence a départagé l'égalité" in first_draft(session)
    holding.close_meeting(cast.secretary, meeting=session)
    save_minutes(cast.secretary, meeting=session, text=first_draft(session), public_to_members=False)


def test_the_calendar_summary_starts_with_a_capital(cast, planned):
    actions.convene(cast.secretary, meeting=planned)
    invitation = Calendar.from_ical(
        signed_in(cast.board_member).get(reverse("meetings:ics", args=[planned.pk])).content
    )
    [event] = invitation.walk("VEVENT")
    assert str(event["summary"]).startswith("Séance du ")
