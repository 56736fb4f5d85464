"""The daily digest, on a controlled clock: one e-mail a day per person at the digest hour
(``NOTIFICATIONS_DIGEST_HOUR``, the same for everyone, local time), holding what came since the
previous digest; nothing leaves between two digest hours, however often the worker runs."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core import mail
from django.utils import timezone

from forums import actions as forum_actions
from forums import reading as forum_reading
from forums.models import FollowLevel, Forum
from intranet.notifications import actions
from tests.factories import make_member

pytestmark = pytest.mark.django_db

TUESDAY, WEDNESDAY = (2026, 3, 10), (2026, 3, 11)


def at(day: tuple[int, int, int], hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(*day, hour, minute))


class Clock:
    def __init__(self, monkeypatch):
        self.now = at(TUESDAY, 0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def worker_runs_at(self, moment: datetime) -> list:
        """The e-mail worker's pass at ``moment`` (it runs every minute): what it sent."""
        self.now = moment
        before = len(mail.outbox)
        actions.queue_daily_digests(moment)
        actions.send_due_emails(moment)
        return mail.outbox[before:]


@pytest.fixture
def clock(monkeypatch, settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    return Clock(monkeypatch)


def test_a_day_of_replies_reaches_the_author_in_one_email_at_seven_the_next_morning(cast, clock):
    forum = Forum.objects.get(slug="production")
    clock.now = at(TUESDAY, 5)
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Tournage", body="Qui vient ?")
    sent_at = {}
    for moment in (at(TUESDAY, 6), at(TUESDAY, 7, 30), at(TUESDAY, 15), at(WEDNESDAY, 6, 59)):
        clock.now = moment
        if moment == at(TUESDAY, 7, 30):  # the president follows the thread from then on
            forum_reading.set_follow(cast.president, thread=thread, level=FollowLevel.FOLLOWING)
        forum_actions.reply(cast.coordinator, thread=thread, body=f"Réponse de {moment:%d %H:%M}")
    for moment in [at(day, hour, minute) for day in (TUESDAY, WEDNESDAY) for hour in range(24) for minute in (0, 30)]:
        for message in clock.worker_runs_at(moment):
            sent_at.setdefault(moment, []).append(message)

    # The 06:00 reply came before Tuesday's digest hour: it is in the author's digest at 07:00
    # on Tuesday. The three after it (07:30, 15:00, and 06:59 on Wednesday) wait for Wednesday's,
    # for the author and for the president (whose first one came at 07:30): nothing leaves at
    # 07:30 or at any other time.
    assert sorted(sent_at) == [at(TUESDAY, 7), at(WEDNESDAY, 7)]
    [tuesday] = sent_at[at(TUESDAY, 7)]
    assert tuesday.to == [cast.production_member.email]
    assert "Réponse de 10 06:00" in tuesday.body
    wednesday = {message.to[0]: message for message in sent_at[at(WEDNESDAY, 7)]}
    assert sorted(wednesday) == sorted([cast.production_member.email, cast.president.email])
    for message in wednesday.values():
        assert message.subject.endswith(" 3 notifications")
        for sent in ("10 07:30", "10 15:00", "11 06:59"):
            assert f"Réponse de {sent}" in message.body
        assert "10 06:00" not in message.body


def test_the_first_notification_after_the_digest_hour_waits_for_the_next_morning(cast, clock):
    forum = Forum.objects.get(slug="production")
    followers = [make_member(actor=cast.staff, college="production") for _ in range(5)]
    for follower in followers:
        forum_reading.set_forum_follow(follower, forum=forum, following=True)
    clock.now = at(TUESDAY, 9, 12)
    forum_actions.start_thread(cast.production_member, forum=forum, title="Festival", body="Le programme")
    assert clock.worker_runs_at(at(TUESDAY, 9, 13)) == []
    assert clock.worker_runs_at(at(TUESDAY, 23, 59)) == []
    clock.now = at(TUESDAY, 16)
    forum_actions.start_thread(cast.coordinator, forum=forum, title="Atelier", body="Inscriptions")
    morning = clock.worker_runs_at(at(WEDNESDAY, 7))
    assert sorted(message.to[0] for message in morning) == sorted(follower.email for follower in followers)
    one = next(message for message in morning if message.to == [followers[0].email])
    assert "Festival" in one.body and "Atelier" in one.body


def test_a_worker_back_late_sends_the_digest_with_what_came_before_its_hour(cast, clock):
    forum = Forum.objects.get(slug="production")
    clock.now = at(TUESDAY, 5)
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Tournage", body="Qui vient ?")
    clock.now = at(TUESDAY, 6)
    forum_actions.reply(cast.coordinator, thread=thread, body="Avant l'heure")
    clock.now = at(TUESDAY, 8)
    forum_actions.reply(cast.coordinator, thread=thread, body="Après l'heure")
    [late] = clock.worker_runs_at(at(TUESDAY, 9))  # the worker was stopped from 06:30 to 09:00
    assert "Avant l'heure" in late.body and "Après l'heure" not in late.body
    [next_morning] = clock.worker_runs_at(at(WEDNESDAY, 7))
    assert "Après l'heure" in next_morning.body


def test_the_preferences_page_says_when_the_daily_summary_leaves(cast, login, settings):
    import re

    from django.urls import reverse

    settings.NOTIFICATIONS_DIGEST_HOUR = 9
    page = login(cast.production_member).get(reverse("notifications:preferences")).content.decode()
    assert re.search(r"Le résumé du jour part à 0?9", page)
