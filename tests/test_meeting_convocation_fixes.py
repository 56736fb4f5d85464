"""What a board member receives of a convened meeting: the convocation e-mail's HTML part (one
line per item, links one clicks, nothing injected), one calendar event wherever it comes from,
and a word, in the page and by e-mail, when the agenda changes after the convocation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from lxml import html as lxml_html

from intranet.links import absolute_url
from intranet.notifications.actions import mark_all_read, send_due_emails
from intranet.notifications.kinds import longest_grouping_window
from intranet.notifications.models import Notification
from tests.factories import make_proposal
from tests.helpers import signed_in, speaking, text_of
from workflows.meetings import actions, minutes_text
from workflows.meetings.calendar import feed_token
from workflows.meetings.models import CalendarFeed, Meeting

pytestmark = pytest.mark.django_db

SITE = "https://intranet.example.org:8443"
VIDEO = "https://visio.example.org/ca?salle=1&code=2"


def in_days(days: int):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


def plan(cast, *, days: int = 15, place: str = "Maison des associations, Poitiers") -> Meeting:
    meeting = actions.plan_meeting(cast.secretary, starts_at=in_days(days), place=place, video_link=VIDEO)
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Point sur le budget")
    return meeting


def emails_to(person) -> list:
    return [message for message in mail.outbox if message.to == [person.email]]


def html_part(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def event_of(content: bytes):
    [event] = Calendar.from_ical(content).walk("VEVENT")
    return event


def attached_event(message):
    [(_name, content, _mimetype)] = message.attachments
    return event_of(content)


# --- 1. The convocation e-mail's HTML part ----------------------------------------------------


def test_the_convocation_e_mail_shows_the_agenda_as_a_list_with_links_and_escapes_what_members_wrote(cast, site):
    meeting = plan(cast, place="Salle <b>Lumière</b> & cie")
    proposal = make_proposal(cast.production_member, title="Festival <script>alert(1)</script>")
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=[proposal])
    notes = "Le budget : [budget 2027](/documents/documents/12/) et [[doc:13]]. <img src=x onerror=alert(1)>"
    actions.add_free_item(cast.secretary, meeting=meeting, kind="other", title="Questions <i>diverses</i>", notes=notes)
    actions.convene(cast.secretary, meeting=meeting)
    send_due_emails(timezone.now())
    [message] = emails_to(cast.board_member)
    content = html_part(message)
    page = lxml_html.fromstring(content)

    # One line per item, in order, in a numbered list.
    items = page.xpath("//ol/li")
    assert [re.sub(r"\s+", " ", li.text_content()).split(" — ")[0].strip() for li in items][:2] == [
        "Point sur le budget",
        "Festival <script>alert(1)</script>",
    ]
    assert len(items) == 3 and items[2].text_content().startswith("Questions <i>diverses</i>")
    # The place, and links one clicks, at the site's configured address.
    assert "Salle <b>Lumière</b> & cie" in page.text_content()
    links = set(page.xpath("//a/@href"))
    assert VIDEO in links
    assert f"{SITE}{reverse('proposals:detail', args=[proposal.pk])}" in links
    assert f"{SITE}{reverse('documents:document', args=[12])}" in links
    assert f"{SITE}{reverse('documents:document', args=[13])}" in links
    # What members wrote is text, never markup.
    assert not page.xpath("//script | //img | //b | //i")
    assert "<script>" not in content and "<img" not in content and "&lt;script&gt;" in content
    # The plain-text part is as it was.
    assert "1. Point sur le budget" in message.body and "3. Questions <i>diverses</i>" in message.body


# --- 2. One calendar event wherever it comes from ---------------------------------------------


def test_the_e_mailed_invitation_the_ics_and_the_feed_carry_one_uid_from_the_configured_address(cast, site):
    meeting = plan(cast)
    actions.convene(cast.secretary, meeting=meeting)
    send_due_emails(timezone.now())
    [message] = emails_to(cast.board_member)
    e_mailed = attached_event(message)

    member = signed_in(cast.board_member)
    # Asked at another address than the configured one (a port, another name): the same UID.
    downloaded = event_of(member.get(reverse("meetings:ics", args=[meeting.pk]), HTTP_HOST="localhost:8123").content)
    member.get(reverse("meetings:list"))  # the page makes the person's feed
    token = feed_token(CalendarFeed.objects.get(user=cast.board_member))
    fed = event_of(member.get(reverse("meetings:feed", args=[token]), HTTP_HOST="127.0.0.1:8123").content)

    uids = {str(e_mailed["uid"]), str(downloaded["uid"]), str(fed["uid"])}
    assert uids == {f"meeting-{meeting.pk}@intranet.example.org"}


# --- 3. The agenda changed after the convocation -----------------------------------------------


@pytest.fixture
def convened(cast, site):
    meeting = plan(cast)
    actions.add_free_item(cast.secretary, meeting=meeting, kind="other", title="Questions diverses")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Calendrier des festivals")
    actions.convene(cast.secretary, meeting=meeting)
    send_due_emails(timezone.now())
    mail.outbox.clear()
    return Meeting.objects.get(pk=meeting.pk)


def agenda_notifications(person) -> int:
    return Notification.objects.filter(recipient=person, event="meeting_agenda_changed").count()


def test_changes_to_a_convened_agenda_tell_the_board_at_once_and_in_one_e_mail(cast, convened):
    first_sequence = event_of(signed_in(cast.board_member).get(reverse("meetings:ics", args=[convened.pk])).content)[
        "sequence"
    ]
    proposal = make_proposal(cast.production_member, title="Atelier de programmation")
    actions.remove_item(cast.secretary, item=convened.items.get(title="Calendrier des festivals"))
    actions.add_proposals(cast.secretary, meeting=convened, proposals=[proposal])
    actions.move_item(cast.secretary, item=convened.items.get(title="Questions diverses"), up=True)

    # In the page at once, one notification per board member for the burst; not the secretary.
    assert agenda_notifications(cast.board_member) == agenda_notifications(cast.president) == 1
    assert agenda_notifications(cast.secretary) == 0
    # The e-mail waits for the burst to end, then tells every change with the updated invitation.
    send_due_emails(timezone.now())
    assert emails_to(cast.board_member) == []
    send_due_emails(timezone.now() + longest_grouping_window())
    [message] = emails_to(cast.board_member)
    assert "a modifié l'ordre du jour après la convocation" in message.subject
    assert "Retiré\xa0: Calendrier des festivals" in message.body
    assert "Ajouté\xa0: Atelier de programmation" in message.body
    assert "L'ordre des points a changé." in message.body
    page = lxml_html.fromstring(html_part(message))
    assert "Retiré\xa0: Calendrier des festivals" in page.text_content()
    assert [li.text_content().split(" — ")[0] for li in page.xpath("//ol/li")] == [
        "Questions diverses",
        "Point sur le budget",
        "Atelier de programmation",
    ]
    event = attached_event(message)
    assert event["sequence"] > first_sequence
    assert "Atelier de programmation" in str(event["description"])

    # A later change, once that e-mail went: a new word.
    actions.add_free_item(cast.secretary, meeting=convened, kind="other", title="Calendrier des festivals")
    assert agenda_notifications(cast.board_member) == 2
    send_due_emails(timezone.now() + longest_grouping_window())
    assert len(emails_to(cast.board_member)) == 2


def test_the_agenda_of_a_meeting_not_convened_yet_changes_without_a_word(cast, site):
    meeting = plan(cast)
    actions.add_free_item(cast.secretary, meeting=meeting, kind="other", title="Questions diverses")
    actions.remove_item(cast.secretary, item=meeting.items.get(title="Questions diverses"))
    assert not Notification.objects.exists()
    meeting.refresh_from_db()
    assert meeting.agenda_changed_at is None


def test_the_meeting_page_says_the_agenda_changed_since_the_convocation_in_either_language(cast, convened):
    member = signed_in(cast.board_member)
    assert "depuis la convocation" not in text_of(member.get(reverse("meetings:detail", args=[convened.pk])))
    actions.remove_item(cast.secretary, item=convened.items.get(title="Questions diverses"))
    page = text_of(member.get(reverse("meetings:detail", args=[convened.pk])))
    convened.refresh_from_db()
    assert "L'ordre du jour a changé depuis la convocation (dernière modification\xa0:" in page
    assert "Retiré\xa0: Questions diverses" in page
    speaking(cast.board_member, "en")
    page = text_of(signed_in(cast.board_member).get(reverse("meetings:detail", args=[convened.pk])))
    assert "The agenda changed since the convocation (last change:" in page and "Removed: Questions diverses" in page


def test_a_member_who_read_the_news_hears_of_the_next_change_and_an_undone_change_lists_nothing(cast, convened):
    actions.add_free_item(cast.secretary, meeting=convened, kind="other", title="Point ajouté")
    mark_all_read(cast.board_member)
    actions.remove_item(cast.secretary, item=convened.items.get(title="Point ajouté"))
    assert agenda_notifications(cast.board_member) == 2
    page = text_of(signed_in(cast.board_member).get(reverse("meetings:detail", args=[convened.pk])))
    assert "L'ordre du jour a changé depuis la convocation" in page and "Point ajouté" not in page


def test_the_minutes_say_the_agenda_changed_and_items_came_later_than_the_notice(cast, site):
    meeting = plan(cast, days=4)
    actions.convene(cast.secretary, meeting=meeting, confirm_late=True)
    assert "modifié après la convocation" not in minutes_text.first_draft(Meeting.objects.get(pk=meeting.pk))
    actions.add_free_item(cast.secretary, meeting=meeting, kind="other", title="Urgence")
    draft = minutes_text.first_draft(Meeting.objects.get(pk=meeting.pk))
    assert "L'ordre du jour a été modifié après la convocation" in draft
    assert "Des points y ont été ajoutés moins tôt que le délai prévu par les statuts" in draft


def test_a_reordering_in_time_is_in_the_minutes_without_the_notice_remark(cast, convened):
    actions.move_item(cast.secretary, item=convened.items.get(title="Questions diverses"), up=True)
    draft = minutes_text.first_draft(Meeting.objects.get(pk=convened.pk))
    assert "modifié après la convocation" in draft and "moins tôt que le délai" not in draft
    assert absolute_url("/").startswith(SITE)
