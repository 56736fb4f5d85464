"""Notifications: each source reaches exactly the right people, the bell and the list page,
e-mails at once, grouped or in a digest, never twice, never about what the person may not see."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.core import mail, signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from documents import actions as document_actions
from documents import selectors as document_selectors
from documents.models import AccessLevel, Space
from forums import actions as forum_actions
from forums import reading as forum_reading
from forums.models import FollowLevel, Forum
from intranet import actions as core_actions
from intranet.models import CollegeMembership
from intranet.notifications import actions, emails
from intranet.notifications.kinds import MENTION, kind_named, longest_grouping_window
from intranet.notifications.models import Notification, OutgoingEmail, Preference
from tests.factories import make_member, make_proposal
from tests.helpers import recount_navigation
from workflows import actions as workflow_actions

pytestmark = pytest.mark.django_db

MENTION_WAIT = MENTION.grouping_window  # a mention is mailed within a minute


def notified(kind: str | None = None, **filters) -> set[int]:
    """Who has a notification (of ``kind``)."""
    notifications = Notification.objects.filter(**filters)
    if kind:
        notifications = notifications.filter(kind=kind)
    return set(notifications.values_list("recipient_id", flat=True))


def deliver(after: timedelta = timedelta(0)) -> list:
    """Run the e-mail worker as if ``after`` had passed; the e-mails sent so far."""
    actions.send_due_emails(timezone.now() + after)
    return mail.outbox


def came_yesterday() -> None:
    """The notifications waiting for the digest arrived a day ago, before today's digest hour
    (today's digest holds only what came before its hour)."""
    waiting = Notification.objects.filter(delivery="digest", email__isnull=True)
    waiting.update(created_at=timezone.now() - timedelta(days=1))


@pytest.fixture
def production_thread(cast):
    forum = Forum.objects.get(slug="production")
    return forum_actions.start_thread(cast.production_member, forum=forum, title="Tournage d'hiver", body="Qui vient ?")


# --- Sources --------------------------------------------------------------------------------


def test_a_mention_notifies_the_reader_mentioned_and_not_someone_who_cannot_read(cast, production_thread):
    post = forum_actions.reply(
        cast.coordinator,
        thread=production_thread,
        body=f"@{cast.president.handle} et @{cast.diffusion_member.handle}, votre avis ?",
    )
    assert notified("mention", target_id=post.pk) == {cast.president.pk}
    # The member of another collège is neither notified nor told anything in a page or e-mail.
    assert not Notification.objects.filter(recipient=cast.diffusion_member).exists()
    deliver(MENTION_WAIT)
    assert [message.to for message in mail.outbox] == [[cast.president.email]]


def test_a_mention_in_a_muted_thread_stays_quiet(cast, production_thread):
    forum_reading.set_follow(cast.president, thread=production_thread, level=FollowLevel.MUTED)
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} ?")
    assert notified("mention") == set()


def test_a_reply_notifies_the_followers_who_can_still_read_the_thread(cast, production_thread):
    forum_reading.set_follow(cast.coordinator, thread=production_thread, level=FollowLevel.FOLLOWING)
    forum_reading.set_follow(cast.president, thread=production_thread, level=FollowLevel.FOLLOWING)
    # The president leaves the collège: following no longer reaches them.
    core_actions.remove_college_member(
        cast.staff, membership=CollegeMembership.objects.get(user=cast.president, college__slug="production")
    )
    post = forum_actions.reply(cast.coordinator, thread=production_thread, body="J'en suis.")
    # The thread's author follows it from their first message; the replier is not told of their own reply.
    assert notified("reply", target_id=post.pk) == {cast.production_member.pk}


def test_a_new_thread_notifies_the_forums_followers(cast, login):
    forum = Forum.objects.get(slug="production")
    client = login(cast.coordinator)
    assert client.post(reverse("forums:follow_forum", args=["production"]), {"following": "1"}).status_code == 302
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Appel à projets", body="Voici.")
    assert notified("new_thread", target_id=thread.pk) == {cast.coordinator.pk}
    # Unfollowing stops it.
    client.post(reverse("forums:follow_forum", args=["production"]), {"following": "0"})
    forum_actions.start_thread(cast.production_member, forum=forum, title="Encore", body="Voici.")
    assert Notification.objects.filter(kind="new_thread").count() == 1


def test_a_member_of_another_college_cannot_follow_its_forum(cast, login):
    response = login(cast.diffusion_member).post(
        reverse("forums:follow_forum", args=["production"]), {"following": "1"}
    )
    assert response.status_code == 404


def test_a_submitted_proposal_is_a_task_for_its_colleges_coordinators_only(cast):
    other_coordinator = make_member(actor=cast.staff, college="diffusion", role="coordinator")
    proposal = make_proposal(cast.production_member, stage="in_review")
    assert notified("task", target_id=proposal.pk) == {cast.coordinator.pk}
    assert other_coordinator.pk not in notified()


def test_the_author_hears_of_each_step_and_the_officers_of_the_agenda(cast):
    proposal = make_proposal(cast.production_member, stage="in_review", reviewer=cast.coordinator)
    workflow_actions.return_proposal(cast.coordinator, proposal=proposal, note="Précisez le budget.")
    workflow_actions.submit_proposal(cast.production_member, proposal=proposal)
    workflow_actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Pour.")
    events = list(
        Notification.objects.filter(recipient=cast.production_member, target_id=proposal.pk)
        .order_by("pk")
        .values_list("kind", "event")
    )
    # Returned, the proposal waits for its author: that is a task (mailed at once by default).
    assert events == [("task", "returned"), ("proposal", "forwarded")]
    assert notified("task", event="agenda_waiting") == {cast.president.pk, cast.secretary.pk}


def test_a_declined_proposal_is_told_to_its_author(cast):
    proposal = make_proposal(cast.production_member, stage="in_review", reviewer=cast.coordinator)
    workflow_actions.decline_proposal(cast.coordinator, proposal=proposal, reason="Hors sujet.")
    assert notified("proposal", event="declined") == {cast.production_member.pk}


def test_board_votes_reach_the_board_and_the_decision_every_member(cast):
    proposal = make_proposal(cast.production_member)
    vote = workflow_actions.open_board_vote(
        cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(hours=12)
    )
    board = {cast.board_member.pk, cast.president.pk, cast.secretary.pk}
    assert notified("vote", event="vote_opened") == board - {cast.secretary.pk}  # not the one who opened it
    workflow_actions.cast_ballot(cast.president, vote=vote, choice="for")
    workflow_actions.remind_votes_closing_soon()
    workflow_actions.remind_votes_closing_soon()  # twice: reminded once
    assert notified("vote", event="vote_closing") == {cast.board_member.pk, cast.secretary.pk}
    assert Notification.objects.filter(event="vote_closing").count() == 2
    for person in (cast.board_member, cast.secretary):
        workflow_actions.cast_ballot(person, vote=vote, choice="for")
    assert notified("vote", event="vote_closed") == board  # closed by the last ballot, not by someone
    everyone_else = set(
        type(cast.staff)
        .objects.filter(is_active=True)
        .exclude(pk=cast.production_member.pk)
        .values_list("pk", flat=True)
    )
    assert notified("decision", event="decision_recorded") == everyone_else
    assert notified("proposal", event="decided") == {cast.production_member.pk}


def test_a_folder_shared_with_a_person_notifies_them(cast):
    root = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    folder = document_actions.create_folder(cast.staff, parent=root, name="Budget")
    document_actions.grant_folder_access(cast.staff, folder=folder, level=AccessLevel.VIEW, user=cast.diffusion_member)
    assert notified("share", target_id=folder.pk) == {cast.diffusion_member.pk}


def test_an_accepted_invitation_notifies_who_invited(cast, django_capture_on_commit_callbacks):
    invitation = core_actions.invite_member(cast.staff, email="nouvelle@example.org", first_name="N", last_name="N")
    token = deliver()[-1].body.split("/invitation/")[1].split("/")[0]
    user = core_actions.accept_invitation(token=token, password="une phrase solide", first_name="N", last_name="N")
    assert notified("invitation", target_id=user.pk) == {invitation.invited_by_id}


def test_nothing_is_notified_or_queued_when_the_cause_rolls_back(cast, production_thread):
    with pytest.raises(RuntimeError), transaction.atomic():
        forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} !")
        raise RuntimeError("after the reply")
    assert not Notification.objects.filter(kind="mention").exists()
    assert not OutgoingEmail.objects.exists()


# --- In the page ----------------------------------------------------------------------------


def test_the_bell_counts_unread_and_the_list_marks_them_read(
    cast, login, production_thread, django_capture_on_commit_callbacks
):
    for text in ("un", "deux"):
        forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} {text}")
    client = login(cast.president)
    page = client.get(reverse("home")).content.decode()
    assert "data-unread-count>2</span>" in page
    listing = client.get(reverse("notifications:list")).content.decode()
    assert listing.count("vous a mentionné·e dans «\xa0Tournage d&#x27;hiver\xa0»") == 2
    first = Notification.objects.filter(recipient=cast.president).order_by("pk").first()
    assert client.post(reverse("notifications:mark_read", args=[first.pk])).status_code == 302
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 1}
    with django_capture_on_commit_callbacks(execute=True):  # the kept count is made stale on commit
        client.post(reverse("notifications:mark_all_read"))
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 0}
    assert "data-unread-count hidden>0</span>" in client.get(reverse("home")).content.decode()


def test_following_a_notification_marks_it_read_and_leads_to_the_message(cast, login, production_thread):
    post = forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} ici")
    notification = Notification.objects.get(recipient=cast.president)
    response = login(cast.president).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/forums/fils/{production_thread.pk}/?page=1#post-{post.number}"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_not_found(cast, login, production_thread):
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} ici")
    notification = Notification.objects.get(recipient=cast.president)
    client = login(cast.production_member)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_notification_whose_target_is_no_longer_visible_shows_nothing_of_it(cast, login, production_thread):
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} secret")
    core_actions.remove_college_member(
        cast.staff, membership=CollegeMembership.objects.get(user=cast.president, college__slug="production")
    )
    client = login(cast.president)
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "Tournage" not in listing and "secret" not in listing
    assert "un élément que vous ne pouvez plus voir" in listing
    notification = Notification.objects.get(recipient=cast.president)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    # And no e-mail tells it either.
    assert deliver(MENTION_WAIT) == []
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.DROPPED


def test_the_list_costs_the_same_queries_for_many_notifications(
    cast, login, production_thread, django_assert_max_num_queries
):
    for number in range(25):
        forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} {number}")
    make_proposal(cast.president, stage="in_review", reviewer=cast.coordinator)
    client = login(cast.president)
    recount_navigation(cast.president)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    for name in ("list", "preferences", "unread_count", "mark_all_read"):
        response = client.get(reverse(f"notifications:{name}"))
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


# --- E-mails --------------------------------------------------------------------------------


def test_a_mention_is_emailed_at_once_in_the_members_language_with_an_unsubscribe_link(cast, production_thread):
    cast.president.language = "en"
    cast.president.save(update_fields=["language"])
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} le devis ?")
    assert deliver() == []  # held a minute, in case more follow in the same thread
    [message] = deliver(MENTION_WAIT)
    assert message.to == [cast.president.email]
    assert message.subject.endswith("mentioned you in “Tournage d'hiver”")
    assert "le devis ?" in message.body
    html = message.alternatives[0][0]
    assert "<a href=" in html and "le devis ?" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/desabonnement/" in message.extra_headers["List-Unsubscribe"]
    # Sent once: the worker running again sends nothing more.
    assert len(deliver(timedelta(hours=1))) == 1


def test_replies_wait_for_the_digest_by_default(cast, production_thread, settings):
    forum_actions.reply(cast.coordinator, thread=production_thread, body="Réponse")
    assert deliver(longest_grouping_window() * 2) == []
    settings.NOTIFICATIONS_DIGEST_HOUR = 0
    assert actions.queue_daily_digests() == 0  # it came after today's digest hour
    came_yesterday()
    assert actions.queue_daily_digests() == 1
    assert actions.queue_daily_digests() == 0  # the job run twice queues nothing more
    [digest] = deliver()
    assert digest.to == [cast.production_member.email]
    assert digest.subject == "Votre résumé du jour\xa0: 1 notification"
    assert "a répondu dans «\xa0Tournage d'hiver\xa0»" in digest.body
    assert actions.queue_daily_digests() == 0
    assert len(deliver()) == 1


def test_no_digest_before_its_hour(cast, production_thread, settings):
    forum_actions.reply(cast.coordinator, thread=production_thread, body="Réponse")
    settings.NOTIFICATIONS_DIGEST_HOUR = 24  # never reached
    assert actions.queue_daily_digests() == 0


def test_ten_replies_within_minutes_make_one_email(cast, production_thread):
    actions.set_preferences(cast.production_member, choices={"reply": "immediately"})
    for number in range(10):
        forum_actions.reply(cast.coordinator, thread=production_thread, body=f"Réponse numéro {number}")
    assert deliver() == []  # held for the grouping window
    [message] = deliver(longest_grouping_window())
    assert "et 9 autres" in message.subject
    assert all(f"Réponse numéro {number}" in message.body for number in range(10))


def test_what_was_read_in_the_page_meanwhile_is_not_emailed(cast, production_thread):
    actions.set_preferences(cast.production_member, choices={"reply": "immediately"})
    forum_actions.reply(cast.coordinator, thread=production_thread, body="Vue dans la page")
    actions.mark_all_read(cast.production_member)
    assert deliver(longest_grouping_window()) == []


def test_never_means_never(cast, production_thread):
    actions.set_preferences(cast.president, choices={"mention": "never"})
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} ?")
    assert notified("mention") == {cast.president.pk}  # still in the page
    assert deliver(timedelta(days=1)) == []


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def test_a_failing_smtp_server_is_retried_with_backoff_and_the_mail_sent_once(cast, production_thread, settings):
    settings.EMAIL_BACKEND = "tests.test_notifications.FailingBackend"
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} ?")
    start = timezone.now() + MENTION_WAIT
    assert actions.send_due_emails(start) == {"sent": 0, "failed": 0, "dropped": 0, "retrying": 1}
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.PENDING, 1)
    assert "unreachable" in email.last_error
    assert email.send_after == start + timedelta(minutes=1)
    assert actions.send_due_emails(start + timedelta(seconds=30))["retrying"] == 0  # not before its time
    actions.send_due_emails(start + timedelta(minutes=1))
    email.refresh_from_db()
    assert (email.attempts, email.send_after) == (2, start + timedelta(minutes=3))  # the delay doubles
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(deliver(MENTION_WAIT + timedelta(minutes=3))) == 1
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
    assert len(deliver(timedelta(hours=1))) == 1


def test_a_mail_server_down_for_two_days_makes_the_mail_given_up(cast, production_thread, settings):
    settings.EMAIL_BACKEND = "tests.test_notifications.FailingBackend"
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} ?")
    moment = timezone.now() + MENTION_WAIT
    while moment < timezone.now() + actions.GIVE_UP_AFTER + timedelta(hours=3):
        actions.send_due_emails(moment)
        moment += timedelta(minutes=30)
    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts > 20  # retried all along, at most every two hours


def test_two_workers_never_claim_the_same_email(cast, production_thread):
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} ?")
    email = OutgoingEmail.objects.get()
    now = timezone.now()
    assert actions.claim(email.pk, now) is True
    assert actions.claim(email.pk, now) is False
    # The second worker's pass finds nothing to send while the first one holds it.
    assert deliver(MENTION_WAIT) == []
    # A worker that died mid-send gives it back after its claim lapses (counted as an attempt).
    assert len(deliver(actions.CLAIM_DURATION + timedelta(seconds=1))) == 1
    assert OutgoingEmail.objects.get().attempts == 1


def test_an_invitation_is_queued_with_its_cause_and_its_link_not_kept_after_sending(cast):
    core_actions.invite_member(cast.staff, email="nouvelle@example.org", first_name="N", last_name="N")
    email = OutgoingEmail.objects.get(purpose=OutgoingEmail.Purpose.MESSAGE)
    assert "/invitation/" in email.text
    [message] = deliver()
    assert "/invitation/" in message.body
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.text == "" and email.html == ""


# --- Preferences and unsubscribing ------------------------------------------------------------


def test_preferences_are_saved_per_kind(cast, login):
    client = login(cast.production_member)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="mention" value="immediately" id="id_mention_0" required checked' in page
    data = dict.fromkeys(("mention", "reply", "new_thread", "task", "proposal"), "digest")
    data |= {"vote": "never", "decision": "never", "share": "immediately", "invitation": "digest"}
    data |= {"meeting": "immediately", "meeting_agenda": "digest"}
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    assert Preference.objects.get(user=cast.production_member, kind="vote").delivery == "never"
    assert actions.preferences_of(cast.production_member.pk)["mention"] == "digest"


def test_unknown_preference_values_are_refused_and_the_choices_kept(cast, login):
    client = login(cast.production_member)
    data = {"mention": "weekly", "reply": "never", "new_thread": "digest", "task": "digest", "proposal": "digest"}
    data |= {"vote": "digest", "decision": "digest", "share": "digest", "invitation": "digest"}
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "Choisissez l'une des trois façons proposées." in page
    assert 'name="reply" value="never" id="id_reply_2" required checked' in page
    assert not Preference.objects.exists()


def test_the_unsubscribe_link_works_without_logging_in(client, cast):
    link = reverse("notifications:unsubscribe", args=[emails.unsubscribe_token(cast.president.pk, "mention")])
    page = unescape(client.get(link).content.decode())
    assert "Ne plus recevoir les e-mails" in page and "Quelqu'un me mentionne" in page
    assert not Preference.objects.exists()  # a link checker following the link changes nothing
    response = client.post(link)
    assert response.status_code == 200
    assert actions.preferences_of(cast.president.pk)["mention"] == "never"


def test_a_digests_unsubscribe_link_stops_every_kind_in_the_digest(client, cast):
    actions.set_preferences(cast.president, choices={"vote": "immediately"})
    client.post(reverse("notifications:unsubscribe", args=[emails.unsubscribe_token(cast.president.pk, "digest")]))
    chosen = actions.preferences_of(cast.president.pk)
    assert chosen["vote"] == "immediately" and chosen["mention"] == "immediately"
    assert chosen["reply"] == chosen["decision"] == "never"


def test_a_tampered_unsubscribe_link_changes_nothing_and_says_so(client, cast):
    token = emails.unsubscribe_token(cast.president.pk, "mention")
    forged = signing.TimestampSigner(salt="something else").sign_object({"u": cast.staff.pk, "s": "mention"})
    for bad in (token[:-2] + "xx", forged, "n-importe-quoi"):
        response = client.post(reverse("notifications:unsubscribe", args=[bad]))
        assert response.status_code == 400
        assert "Ce lien n'est pas valide" in unescape(response.content.decode())
    assert not Preference.objects.exists()


def test_an_expired_unsubscribe_link_says_so(client, cast, monkeypatch):
    old = int(timezone.now().timestamp()) - 200 * 24 * 3600
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(old))
    token = emails.unsubscribe_token(cast.president.pk, "mention")
    monkeypatch.undo()
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "Ce lien a expiré" in response.content.decode()
    assert not Preference.objects.exists()


# --- Several workers at once ----------------------------------------------------------------


def test_two_workers_started_together_send_each_email_once(association_bodies, cast):
    from tests.concurrency import failures, run_together

    forum = Forum.objects.get(slug="production")
    for number in range(12):  # one thread each: mentions in one thread would make one e-mail
        thread = forum_actions.start_thread(cast.production_member, forum=forum, title=f"Fil {number}", body="…")
        forum_actions.reply(cast.coordinator, thread=thread, body=f"@{cast.president.handle} numéro {number}")
    assert OutgoingEmail.objects.count() == 12
    later = timezone.now() + MENTION_WAIT
    outcomes = run_together(lambda: actions.send_due_emails(later), lambda: actions.send_due_emails(later))
    assert failures(outcomes) == []
    assert sum(outcome["sent"] for outcome in outcomes) == 12
    assert len(mail.outbox) == 12
    assert {number for number in range(12) for message in mail.outbox if f"numéro {number} »" in message.body} == set(
        range(12)
    )


def test_the_digest_job_run_twice_at_once_queues_one_digest_per_person(association_bodies, cast, settings):
    from tests.concurrency import failures, run_together

    settings.NOTIFICATIONS_DIGEST_HOUR = 0
    forum = Forum.objects.get(slug="production")
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Résumé", body="Début")
    forum_reading.set_follow(cast.president, thread=thread, level=FollowLevel.FOLLOWING)
    for number in range(3):
        forum_actions.reply(cast.coordinator, thread=thread, body=f"Réponse {number}")
    came_yesterday()
    outcomes = run_together(actions.queue_daily_digests, actions.queue_daily_digests)
    assert failures(outcomes) == []
    assert sum(outcomes) == 2
    assert OutgoingEmail.objects.filter(purpose="digest").count() == 2
    run_together(actions.send_due_emails, actions.send_due_emails)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [cast.production_member.email, cast.president.email]
    )


def test_the_worker_command_queues_digests_and_sends_what_is_due(cast, production_thread, settings):
    from django.core.management import call_command

    settings.NOTIFICATIONS_DIGEST_HOUR = 0
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} ?")
    came_yesterday()
    call_command("worker", "--once")
    # The thread author's digest with the reply; the mention leaves within the minute.
    assert [message.to[0] for message in mail.outbox] == [cast.production_member.email]
    assert OutgoingEmail.objects.get(recipient=cast.president).status == OutgoingEmail.Status.PENDING


# --- What a second pair of eyes found ---------------------------------------------------------


def test_a_claim_runs_from_when_it_is_taken_not_from_the_start_of_a_long_batch(cast, production_thread):
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} ?")
    email = OutgoingEmail.objects.get()
    batch_started_long_ago = timezone.now() - actions.CLAIM_DURATION * 2
    assert actions.claim(email.pk, batch_started_long_ago)
    # Another worker passing now must not take it back from the one still sending it.
    assert actions.release_stale_claims(timezone.now()) == 0
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENDING


def test_mentions_in_a_burst_of_replies_make_one_email(cast, production_thread):
    for number in range(10):
        forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} n°{number}")
    [message] = deliver(MENTION_WAIT)
    assert "et 9 autres" in message.subject


def test_a_mention_brings_forward_a_grouped_email_about_the_same_thread(cast, production_thread):
    actions.set_preferences(cast.president, choices={"reply": "immediately"})
    forum_reading.set_follow(cast.president, thread=production_thread, level=FollowLevel.FOLLOWING)
    forum_actions.reply(cast.coordinator, thread=production_thread, body="Une réponse")
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} et toi ?")
    [message] = deliver(MENTION_WAIT)  # not five minutes: the mention is not kept waiting
    assert "Une réponse" in message.body and "et toi ?" in message.body


def test_reading_the_thread_reads_its_notifications(cast, login, production_thread):
    forum_reading.set_follow(cast.president, thread=production_thread, level=FollowLevel.FOLLOWING)
    forum_actions.reply(cast.coordinator, thread=production_thread, body="Une réponse")
    assert Notification.objects.filter(recipient=cast.president, read_at__isnull=True).count() == 1
    login(cast.president).get(reverse("forums:thread", args=[production_thread.pk]))
    assert not Notification.objects.filter(recipient=cast.president, read_at__isnull=True).exists()


def test_choosing_never_stops_what_is_already_queued(cast, production_thread):
    forum_actions.reply(cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} ?")
    actions.set_preferences(cast.president, choices={"mention": "never"})
    assert deliver(MENTION_WAIT) == []
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.DROPPED


def test_a_folder_shared_with_a_group_notifies_its_members(cast):
    from intranet.groups import BOARD_GROUP, system_group

    root = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    folder = document_actions.create_folder(cast.staff, parent=root, name="Pour le CA")
    document_actions.grant_folder_access(
        cast.staff, folder=folder, level=AccessLevel.VIEW, group=system_group(BOARD_GROUP)
    )
    assert notified("share", target_id=folder.pk) == {cast.board_member.pk, cast.president.pk, cast.secretary.pk}


def test_notifying_many_people_costs_the_same_queries_as_notifying_two(cast, production_thread):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post = production_thread.posts.get()

    def queries_to_notify(people, kind) -> int:
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            actions.notify(
                kind=kind_named(kind),
                event="mentioned",
                recipients=[p.pk for p in people],
                target_type="post",
                target_id=post.pk,
            )
        return len(captured)

    many = [make_member(actor=cast.staff, college="production") for _ in range(12)]
    for kind in ("mention", "task", "reply"):  # grouped at once, alone at once, in the digest
        actions.set_preferences(cast.president, choices={kind: "immediately"})
        few = queries_to_notify([cast.president, cast.production_member], kind)
        assert queries_to_notify([cast.president, *many], kind) == few, kind


def test_hidden_messages_do_not_make_the_list_grow_in_queries(
    cast, login, production_thread, django_assert_max_num_queries
):
    def mention_then_hide(count):
        for number in range(count):
            post = forum_actions.reply(
                cast.coordinator, thread=production_thread, body=f"@{cast.president.handle} {number}"
            )
            forum_actions.hide_post(cast.staff, post=post, reason="hors sujet")

    client = login(cast.president)
    mention_then_hide(2)
    recount_navigation(cast.president)
    with django_assert_max_num_queries(13):
        client.get(reverse("notifications:list"))
    mention_then_hide(20)
    with django_assert_max_num_queries(13):
        assert "hors sujet" not in client.get(reverse("notifications:list")).content.decode()


def test_staff_find_the_outbox_in_the_administration_without_invitation_links(cast, login):
    core_actions.invite_member(cast.staff, email="nouvelle@example.org", first_name="N", last_name="N")
    email = OutgoingEmail.objects.get()
    client = login(cast.staff)
    listing = client.get("/admin/notifications/outgoingemail/")
    assert listing.status_code == 200 and "nouvelle@example.org" in listing.content.decode()
    detail = client.get(f"/admin/notifications/outgoingemail/{email.pk}/change/").content.decode()
    assert email.text.split("/invitation/")[1][:20] not in detail  # the link's token
    assert login(cast.production_member).get("/admin/notifications/outgoingemail/").status_code in (302, 403)
