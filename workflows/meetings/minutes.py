"""Writing the minutes of a held meeting, and their approval by a vote of a later meeting: then
they are frozen, and filed as an OpenDocument text in the board's document space."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from documents import actions as document_actions
from documents import selectors as document_selectors
from documents.models import Document, Space, SpaceKind
from documents.uploads import IncomingFile
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.markdown import render_markdown
from intranet.models import BoardMembership, BoardRole, User
from workflows import actions as workflow_actions
from workflows.meetings import actions, policies
from workflows.meetings.minutes_text import minutes_odt
from workflows.meetings.models import AgendaItem, ItemKind, Meeting, MeetingStatus, Minutes, MinutesDraft
from workflows.meetings.room import (
    refuse_a_tie_without_the_president,
    refuse_empty_counts,
    room_quorum,
    room_voters_of,
)
from workflows.models import VoteResult, VoteSettings

TEXT_MAX_LENGTH = 100_000
MINUTES_FOLDER = "Procès-verbaux"


class MinutesAction:
    SAVED = "meeting.minutes_saved"
    APPROVAL_VOTED = "meeting.minutes_approval_voted"


def save_minutes(
    actor: User, *, meeting: Meeting, text: str, public_to_members: bool, revision: int | None = None
) -> Minutes:
    """A new draft of the minutes, kept in their history; refused once they are approved, and
    when someone saved in the meantime (nothing of either save is lost: both are drafts).
    ``revision`` is the version the page was opened on, 0 before the first save; None checks nothing."""
    text = text.strip()
    if not text:
        raise ActionRefused(_("The minutes cannot be empty."), field="text")
    if len(text) > TEXT_MAX_LENGTH:
        raise ActionRefused(
            _("The minutes are at most %(max)s characters long.")
            % {"max": number_format(TEXT_MAX_LENGTH, force_grouping=True)},
            field="text",
        )
    html = render_markdown(text).html
    with transaction.atomic():
        meeting = actions.locked_meeting(meeting)
        minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is not None and minutes.approved_at is not None and policies.can_run_meetings(actor):
            raise ActionRefused(_("These minutes are approved: they can no longer change."))
        actions.require(policies.can_write_minutes(actor, meeting), "Only the officers write the minutes.")
        in_session = AgendaItem.objects.filter(
            minutes_of=meeting, approval_result="", meeting__status=MeetingStatus.CONVENED,
            meeting__starts_at__lte=timezone.now(),
        )  # fmt: skip
        if in_session.exists():
            # The room votes on the text it read: no change while the vote may be under way.
            raise ActionRefused(_("These minutes are being approved in session: amend them after the vote."))
        stale = minutes is not None and revision is not None and minutes.revision != revision
        if stale:
            # Kept in the history: the refusal comes after this commit.
            MinutesDraft.objects.create(minutes=minutes, text=text, saved_by=actor)
        else:
            if minutes is None:
                minutes = Minutes(meeting=meeting, revision=0)
            minutes.text, minutes.html, minutes.public_to_members = text, html, public_to_members
            minutes.updated_by = actor
            minutes.revision += 1
            minutes.save()
            MinutesDraft.objects.create(minutes=minutes, text=text, saved_by=actor)
            record(actor, MinutesAction.SAVED, meeting, revision=minutes.revision, public=public_to_members)
    if stale:
        raise ActionRefused(
            _(
                "The minutes were saved again since this page was opened. Your text is kept in their "
                "history; reload the page to compare."
            ),
            field="text",
        )
    return minutes


def record_approval(
    actor: User,
    *,
    item: AgendaItem,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    president_choice: str = "",
) -> AgendaItem:
    """The room's vote on earlier minutes, counted by the rules of the board's votes. Approved,
    the minutes are frozen and filed; rejected, the secretary amends them for a later meeting."""
    with transaction.atomic():
        meeting = actions.locked_meeting(item.meeting)
        actions.require(policies.can_hold(actor, meeting), "Only the officers record votes, in session.")
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if item.kind != ItemKind.MINUTES:
            raise ActionRefused(_("Only the approval of minutes is voted on here."))
        if item.approval_result:
            raise ActionRefused(_("The vote on this item is already recorded: reload the page."))
        refuse_empty_counts(votes_for, votes_against, abstentions)
        quorum = room_quorum(meeting)
        if quorum is None:
            raise ActionRefused(_("Record who is in the room before recording a vote."))
        workflow_actions.check_counts_in_session(
            votes_for, votes_against, abstentions, voters_in_room=quorum.counted, president_choice=president_choice
        )
        president = BoardMembership.objects.filter(role=BoardRole.PRESIDENT).values_list("user_id", flat=True).first()
        refuse_a_tie_without_the_president(
            votes_for, votes_against, abstentions, board_size=quorum.board_size,
            president_votes=president in room_voters_of(meeting), president_choice=president_choice,
        )  # fmt: skip
        tally = workflow_actions.tally_in_session(
            votes_for, votes_against, abstentions,
            board_size=quorum.board_size, rules=VoteSettings.current().rules(), president_choice=president_choice,
        )  # fmt: skip
        item.approval_result = str(tally.result)
        item.approval_counts = {
            "for": votes_for, "against": votes_against, "abstentions": abstentions,
            "casting_vote_used": tally.casting_vote_used,
        }  # fmt: skip
        item.save(update_fields=["approval_result", "approval_counts"])
        if tally.result == VoteResult.ADOPTED:
            _approve(actor, item.minutes_of, approved_in=meeting)
        actions.touch_meeting(meeting)
        record(
            actor,
            MinutesAction.APPROVAL_VOTED,
            item.minutes_of,
            result=item.approval_result,
            at=meeting.starts_at.isoformat(),
        )
    return item


def _approve(actor: User, of: Meeting, *, approved_in: Meeting) -> None:
    # The meeting, then its minutes: the order save_minutes locks them in (no deadlock).
    of = actions.locked_meeting(of)
    minutes = Minutes.objects.select_for_update().get(meeting=of)
    if minutes.approved_at is not None:
        return
    minutes.approved_at, minutes.approved_in = timezone.now(), approved_in
    minutes.document = _file(actor, minutes)
    minutes.save(update_fields=["approved_at", "approved_in", "document"])
    actions.touch_meeting(of, status=MeetingStatus.MINUTES_APPROVED)


def _file(actor: User, minutes: Minutes) -> Document | None:
    """In the board's space, folder "Procès-verbaux" (made on first need, open to the board)."""
    space = Space.objects.filter(kind=SpaceKind.BOARD).first()
    if space is None:
        return None
    folder = document_actions.create_process_folder(
        actor, parent=document_selectors.root_folder(space), name=MINUTES_FOLDER, grants=None
    )
    day = timezone.localtime(minutes.meeting.starts_at).date().isoformat()
    # The meeting's number too: two meetings of one day file two documents, not two versions.
    incoming = IncomingFile.from_bytes(f"proces-verbal-{day}-seance-{minutes.meeting_id}.odt", minutes_odt(minutes))
    document, _version, _created = document_actions.upload_document(
        actor,
        folder=folder,
        incoming=incoming,
        description=_("Minutes approved on %(date)s") % {"date": date_format(timezone.localdate(), "DATE_FORMAT")},
    )
    return document
