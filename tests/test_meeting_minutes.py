"""The minutes of a board meeting: a first draft written from the meeting, drafts kept with their
history, approval by a vote of the next meeting (first on its agenda), then frozen, filed in the
board's documents as an OpenDocument text, and read by every member when the board made them
public."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from odf import teletype
from odf.opendocument import load
from odf.text import P

from documents.models import Document, SpaceKind
from intranet.exceptions import ActionRefused
from tests.factories import make_proposal
from tests.helpers import speaking
from workflows.meetings import actions, holding, minutes
from workflows.meetings.models import ItemKind, Meeting, MeetingStatus, Minutes, MinutesDraft

pytestmark = pytest.mark.django_db


def _start(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def held(cast):
    """A meeting held yesterday: one proposal adopted in session, one left undecided."""
    first = make_proposal(cast.production_member, title="Festival des films d'école")
    second = make_proposal(cast.production_member, title="Résidence de documentaristes")
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Poitiers")
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=[first, second])
    meeting = _start(actions.convene(cast.secretary, meeting=meeting))
    actions.record_presence(cast.secretary, meeting=meeting, present=[cast.secretary.pk, cast.president.pk])
    holding.record_vote(cast.secretary, item=meeting.items.get(position=1), votes_for=2, votes_against=0, abstentions=0)
    return holding.close_meeting(cast.secretary, meeting=meeting)


def _next_meeting(cast):
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=20), place="Niort")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget")
    return meeting


def _approve(cast, meeting, client, *, votes_for=2, votes_against=0, abstentions=0):
    meeting = Meeting.objects.get(pk=meeting.pk)
    if meeting.status == "planned":
        meeting = _start(actions.convene(cast.secretary, meeting=meeting))
    actions.record_presence(cast.secretary, meeting=meeting, present=[cast.secretary.pk, cast.president.pk])
    approval = meeting.items.get(kind=ItemKind.MINUTES)
    prefix = f"vote{approval.pk}"
    data = {
        f"{prefix}-votes_for": votes_for,
        f"{prefix}-votes_against": votes_against,
        f"{prefix}-abstentions": abstentions,
    }
    return client.post(reverse("meetings:record_vote", args=[meeting.pk, approval.pk]), data)


def test_the_first_draft_says_who_was_there_and_what_each_item_became(cast, held, login):
    page = login(cast.secretary).get(reverse("meetings:detail", args=[held.pk])).content.decode()
    assert 'name="text"' in page and not Minutes.objects.exists()  # nothing saved by showing it
    assert "# Présences" in page and cast.secretary.get_full_name() in page
    year = timezone.localtime().year
    assert f"La proposition est adoptée (décision n° CA-{year}-001) : 2 pour, 0 contre, 0 abstention." in page
    assert "Ce point n&#x27;a pas été mis aux voix : il est reporté à une prochaine séance." in page


def test_the_minutes_live_through_drafts_approval_at_the_next_meeting_then_are_frozen_and_filed(cast, held, login):
    secretary = login(cast.secretary)
    save = reverse("meetings:minutes_save", args=[held.pk])
    answer = secretary.post(save, {"text": "# Présences\n\nTout le monde.", "public_to_members": "on"})
    assert answer.status_code == 302
    answer = secretary.post(save, {"text": "# Présences\n\nPresque tout le monde.", "public_to_members": "on",
                                   "revision": 1})  # fmt: skip
    assert answer.status_code == 302
    # A save from a page opened before the last one: refused, kept in the history all the same.
    stale = secretary.post(save, {"text": "Version oubliée", "revision": 1})
    assert stale.status_code == 409 and "enregistré à nouveau depuis l&#x27;ouverture" in stale.content.decode()
    written = Minutes.objects.get(meeting=held)
    assert written.text == "# Présences\n\nPresque tout le monde." and written.revision == 2
    assert MinutesDraft.objects.filter(minutes=written).count() == 3

    following = _next_meeting(cast)
    agenda = list(following.items.order_by("position").values_list("kind", "minutes_of"))
    assert agenda == [(ItemKind.MINUTES, held.pk), (ItemKind.INFORMATION, None)]
    assert _approve(cast, following, secretary).status_code == 302

    written.refresh_from_db()
    held.refresh_from_db()
    assert written.approved_at is not None and written.approved_in_id == following.pk
    assert held.status == MeetingStatus.MINUTES_APPROVED
    filed = Document.objects.get(pk=written.document_id)
    assert filed.folder.name == "Procès-verbaux" and filed.folder.space.kind == SpaceKind.BOARD
    odt = secretary.get(reverse("meetings:minutes_file", args=[held.pk]))
    text = "\n".join(teletype.extractText(p) for p in load(io.BytesIO(odt.content)).getElementsByType(P))
    assert "Presque tout le monde." in text and "Approuvé par le conseil d'administration" in text

    refused = secretary.post(save, {"text": "Réécrit après coup", "revision": 2})
    assert refused.status_code in (403, 409)
    written.refresh_from_db()
    assert written.text == "# Présences\n\nPresque tout le monde."
    with pytest.raises(ActionRefused, match="approuvé"):
        minutes.save_minutes(cast.secretary, meeting=held, text="Encore", public_to_members=True)

    member = login(cast.production_member)
    listing = member.get(reverse("meetings:minutes_list")).content.decode()
    assert reverse("meetings:minutes", args=[held.pk]) in listing
    printable = member.get(reverse("meetings:minutes", args=[held.pk]))
    assert printable.status_code == 200 and "Presque tout le monde." in printable.content.decode()


def test_rejected_minutes_stay_open_to_amendment_and_wait_for_a_later_meeting(cast, held, login):
    minutes.save_minutes(cast.secretary, meeting=held, text="Première rédaction", public_to_members=False)
    following = _next_meeting(cast)
    started = _start(actions.convene(cast.secretary, meeting=Meeting.objects.get(pk=following.pk)))
    # While the room may be voting on them, the text the room read does not change.
    with pytest.raises(ActionRefused, match="soumis à l'approbation de la séance"):
        minutes.save_minutes(cast.secretary, meeting=held, text="Modifié en séance", public_to_members=False)
    assert _approve(cast, started, login(cast.secretary), votes_for=0, votes_against=2).status_code == 302
    written = Minutes.objects.get(meeting=held)
    assert written.approved_at is None and following.items.get(kind=ItemKind.MINUTES).approval_result == "rejected"
    minutes.save_minutes(cast.secretary, meeting=held, text="Rédaction corrigée", public_to_members=False)
    assert [each.meeting_id for each in actions.minutes_waiting_for_approval()] == [held.pk]
    later = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=40), place="Niort")
    assert later.items.get().minutes_of_id == held.pk


def test_minutes_kept_for_the_board_are_not_shown_to_members(cast, held, login):
    minutes.save_minutes(cast.secretary, meeting=held, text="Confidentiel", public_to_members=False)
    member = login(cast.production_member)
    assert member.get(reverse("meetings:minutes", args=[held.pk])).status_code == 404
    assert member.get(reverse("meetings:minutes_file", args=[held.pk])).status_code == 404
    assert "Confidentiel" not in member.get(reverse("meetings:minutes_list")).content.decode()
    # A draft, public or not, stays with the board until it is approved.
    minutes.save_minutes(cast.secretary, meeting=held, text="Brouillon public", public_to_members=True)
    assert member.get(reverse("meetings:minutes", args=[held.pk])).status_code == 404
    board = login(cast.board_member)
    assert board.get(reverse("meetings:minutes", args=[held.pk])).status_code == 200


def test_bad_minutes_are_refused_with_a_reason_and_nothing_saved(cast, held, login):
    secretary = login(cast.secretary)
    save = reverse("meetings:minutes_save", args=[held.pk])
    answer = secretary.post(save, {"text": "   "})
    assert answer.status_code == 409 and "vide" in answer.content.decode() and not Minutes.objects.exists()
    answer = secretary.post(save, {"text": "x" * (minutes.TEXT_MAX_LENGTH + 1)})
    assert answer.status_code == 409 and "100" in answer.content.decode() and not Minutes.objects.exists()
    assert login(cast.board_member).post(save, {"text": "Pas à moi"}).status_code == 403
    written = minutes.save_minutes(
        cast.secretary, meeting=held, text="<script>x</script> **net**", public_to_members=False
    )
    assert "<script" not in written.html and "<strong>net</strong>" in written.html


def test_one_abstention_reads_in_the_singular_in_french_and_in_english(cast, held, login):
    minutes.save_minutes(cast.secretary, meeting=held, text="Procès-verbal", public_to_members=False)
    following = _next_meeting(cast)
    undecided = held.items.get(position=2).proposal
    actions.add_proposals(cast.secretary, meeting=following, proposals=[undecided])
    secretary = login(cast.secretary)
    assert _approve(cast, following, secretary, votes_for=1, abstentions=1).status_code == 302
    voted = following.items.get(proposal=undecided)
    holding.record_vote(cast.secretary, item=voted, votes_for=1, votes_against=0, abstentions=1)
    url = reverse("meetings:detail", args=[following.pk])
    page = secretary.get(url).content.decode()
    assert page.count("1 pour, 0 contre, 1 abstention<") + page.count("1 pour, 0 contre, 1 abstention ") == 2
    assert "1 abstentions" not in page
    page = login(speaking(cast.secretary, "en")).get(url).content.decode()
    assert page.count("1 for, 0 against, 1 abstention<") + page.count("1 for, 0 against, 1 abstention ") == 2
    assert "1 abstentions" not in page


def test_the_draft_says_the_convocation_was_sent_later_than_the_statutes_ask(cast, login):
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=2), place="Limoges")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget")
    meeting = _start(actions.convene(cast.secretary, meeting=meeting, confirm_late=True))
    actions.record_presence(cast.secretary, meeting=meeting, present=[cast.secretary.pk, cast.president.pk])
    held = holding.close_meeting(cast.secretary, meeting=meeting)
    page = login(cast.secretary).get(reverse("meetings:detail", args=[held.pk])).content.decode()
    late = "La convocation a été envoyée moins tôt que le délai prévu par les statuts ; le conseil en a pris acte."
    assert late in page
    on_time = _start(actions.convene(cast.secretary, meeting=_next_meeting(cast)))
    actions.record_presence(cast.secretary, meeting=on_time, present=[cast.secretary.pk])
    holding.close_meeting(cast.secretary, meeting=on_time)
    assert late not in login(cast.secretary).get(reverse("meetings:detail", args=[on_time.pk])).content.decode()
