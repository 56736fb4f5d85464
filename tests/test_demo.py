"""`seed_demo` builds a plausible association and is idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from documents.models import Document, DocumentVersion, Folder, Space
from forums.models import Forum, Post, Thread
from intranet.demo import DEMO_PASSWORD, PEOPLE
from intranet.models import BoardMembership, College, CollegeMembership, User

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Thread.objects.count(),
        Post.objects.count(),
        DocumentVersion.objects.count(),
        User.objects.count(),
        CollegeMembership.objects.count(),
        sorted(BoardMembership.objects.values_list("user__email", "role")),
        sorted(User.objects.values_list("email", "is_staff")),
    )


def test_seed_demo_builds_the_association_and_running_it_twice_changes_nothing(
    capsys, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):  # text extraction runs after the commit
        call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    assert first[3] == len(PEOPLE) >= 40
    for forum in Forum.objects.all():
        assert forum.threads.count() >= 2, forum
    for college in College.objects.all():
        assert college.memberships.filter(role="coordinator").exists(), college
    roles = {role for _email, role in first[5]}
    assert {"president", "secretary"} <= roles
    assert User.objects.filter(is_staff=True).exists()
    for space in Space.objects.all():
        assert Document.objects.filter(folder__space=space).count() >= 1, space
    from workflows.models import Decision, Proposal

    assert {proposal.status for proposal in Proposal.objects.all()} >= {
        "draft", "in_review", "returned", "on_agenda", "voting", "adopted", "rejected"
    }  # fmt: skip
    # Two decided online, one in the demo board meeting.
    assert sorted(Decision.objects.values_list("outcome", flat=True)) == ["adopted", "adopted", "rejected"]
    from workflows.archives.models import Fonds, Item

    assert set(Fonds.objects.values_list("status", flat=True)) == {
        "offered", "in_appraisal", "in_agreement", "in_intake", "catalogued", "declined", "not_retained", "withdrawn"
    }  # fmt: skip
    assert Fonds.objects.filter(status="catalogued").count() >= 3 and len(Fonds.objects.all()) >= 12
    assert Item.objects.filter(call_number__isnull=False, territory__isnull=False).exists()
    # Catalogued fonds have a digitised still in their folder of the archive's space.
    stills = Document.objects.filter(folder__space__kind="archive", name__endswith="photogramme.png")
    assert stills.count() == Fonds.objects.filter(status="catalogued").count()
    assert Item.objects.filter(digitisation="digitised").count() == stills.count()
    # A convened board meeting with the proposals waiting for the board, and answers already in;
    # before it, a meeting that decided a proposal in session and whose minutes the next one approved.
    from workflows.meetings.models import Attendance, Meeting

    meeting = Meeting.objects.get(status="convened")
    assert meeting.items.filter(proposal__status="on_agenda").exists()
    assert Attendance.objects.filter(meeting=meeting, answer="proxy").exists()
    first, second = Meeting.objects.exclude(pk=meeting.pk).order_by("starts_at")
    assert first.status == "minutes_approved" and first.minutes.approved_in == second
    assert first.minutes.document.folder.name == "Procès-verbaux" and first.minutes.public_to_members
    assert first.items.filter(vote__decision__isnull=False).exists() and second.status == "held"
    decided = first.items.get(vote__decision__isnull=False).vote.decision.number
    assert decided in first.minutes.text and first.minutes.approved_at is not None
    assert meeting.items.order_by("position").first().minutes_of == second
    budget = Folder.objects.exclude(space__kind="archive").get(restricted=True, proposal__isnull=True)
    assert Document.objects.filter(folder__proposal__status="adopted").exists()  # a proposal's own folder
    assert budget.space.slug == "college-production"
    from documents.extraction import extract_pending

    while extract_pending():  # what the extraction worker does after the seeding
        pass
    # Images have no text: nothing waits or failed.
    assert not DocumentVersion.objects.exclude(extraction_status__in=["done", "unsupported"]).exists()
    assert set(
        DocumentVersion.objects.filter(extraction_status="unsupported").values_list("content_type", flat=True)
    ) <= {"image/png"}
    # Bells have something to show, but nobody is e-mailed about the seeded past.
    from intranet.notifications.actions import queue_daily_digests, send_due_emails
    from intranet.notifications.models import Notification

    assert Notification.objects.filter(kind="task").exists()
    settings.NOTIFICATIONS_DIGEST_HOUR = 0
    assert queue_daily_digests() == 0
    assert send_due_emails(timezone.now() + timedelta(days=1))["sent"] == 0
    output = capsys.readouterr().out
    assert "claire.moreau@demo.federation.example" in output
    assert DEMO_PASSWORD in output


def test_demo_accounts_log_in_with_the_printed_password(client):
    call_command("seed_demo")
    response = client.post(
        "/compte/connexion/", {"username": "sarah.faure@demo.federation.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_if_empty_leaves_an_existing_database_alone(cast):
    before = snapshot()
    call_command("seed_demo", "--if-empty")
    assert snapshot() == before


def test_seeding_again_leaves_real_mail_alone(cast, settings):
    from forums import actions as forum_actions
    from intranet.notifications.models import OutgoingEmail

    thread = forum_actions.start_thread(
        cast.production_member, forum=Forum.objects.get(slug="production"), title="Réel", body="…"
    )
    forum_actions.reply(cast.coordinator, thread=thread, body=f"@{cast.president.handle} ?")
    call_command("seed_demo")
    assert OutgoingEmail.objects.get(recipient=cast.president).status == OutgoingEmail.Status.PENDING
