"""Board meetings in the API: a meeting as its page shows it to the reader
(``selectors.MeetingView``, built once for the page and the API), and the minutes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from workflows.meetings.models import Answer, ItemKind, MeetingStatus
from workflows.models import BallotChoice


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    starts_at = serializers.DateTimeField()
    place = serializers.CharField()
    video_link = serializers.CharField()
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    convened_late = serializers.BooleanField(help_text="Convened later than the statutes' notice")


class NamedBallotSerializer(serializers.Serializer):
    # Reads a ``room.NamedBallot``.
    member = serializers.IntegerField(source="voter.pk")
    name = serializers.CharField(source="voter.get_full_name")
    choice = serializers.ChoiceField(choices=BallotChoice.choices)
    by_proxy = serializers.BooleanField(help_text="Represented: their proxy's holder, in the room, gave it")
    proxy_holder = serializers.IntegerField(
        source="proxy_holder.pk", allow_null=True, default=None, help_text="Who gave it; null when they voted"
    )
    proxy_holder_name = serializers.CharField(source="proxy_holder.get_full_name", allow_null=True, default=None)


@extend_schema_field(NamedBallotSerializer(many=True, allow_null=True))
class RollCallField(serializers.Field):
    """An item's roll call, from the reader's ``MeetingView``: null when its vote was not a roll
    call, left out for a reader who may not see who voted what. Not read-only: the schema would
    then call it required."""

    def get_attribute(self, item):
        view = self.root.instance
        if not getattr(view, "may_see_ballots", False):
            raise SkipField
        return view.roll_calls.get(item.pk)

    def to_representation(self, ballots):
        return NamedBallotSerializer(ballots, many=True).data


class AgendaItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    title = serializers.SerializerMethodField(help_text="In the reader's language; hidden when withdrawn for them")
    notes = serializers.CharField()
    proposal = serializers.SerializerMethodField(help_text="Null when its author withdrew it and you may not open it")
    withdrawn = serializers.SerializerMethodField(help_text="Its author withdrew the proposal: no vote on it")
    minutes_of = serializers.IntegerField(
        source="minutes_of_id", allow_null=True, help_text="The meeting whose minutes this item approves"
    )
    result = serializers.SerializerMethodField(help_text="The outcome of the vote in session, once recorded")
    decision = serializers.SerializerMethodField(help_text="The register's number, when the vote decided")
    roll_call = RollCallField(
        required=False,
        help_text="Who voted what, when the vote was by roll call (null otherwise); "
        "only for those who may see named ballots (the board and staff), left out for others",
    )
    added_after_convocation = serializers.SerializerMethodField(
        help_text="Put on the agenda after the board was convened"
    )

    def _hidden(self, item) -> bool:
        # Read within a ``MeetingDetailSerializer``: its instance is the reader's ``MeetingView``.
        return item.pk in getattr(self.root.instance, "hidden_titles", ())

    def get_title(self, item) -> str:
        view = self.root.instance
        return view.title_of(item) if hasattr(view, "title_of") else item.shown_title

    def get_proposal(self, item) -> int | None:
        return None if self._hidden(item) else item.proposal_id

    def get_withdrawn(self, item) -> bool:
        return item.withdrawn_at is not None

    def get_added_after_convocation(self, item) -> bool:
        return item.pk in getattr(self.root.instance, "added_after_convocation", ())

    def get_result(self, item) -> str | None:
        if item.vote_id:
            return item.vote.result or None
        return item.approval_result or None

    def get_decision(self, item) -> str | None:
        decision = getattr(item.vote, "decision", None) if item.vote_id else None
        return decision.number if decision else None


class AttendanceSerializer(serializers.Serializer):
    # Reads a ``selectors.AttendanceRow``.
    member = serializers.IntegerField(source="member.pk")
    name = serializers.CharField(source="member.get_full_name")
    role = serializers.CharField(help_text="On the board, in the reader's language")
    answer = serializers.CharField(help_text="As shown, in the reader's language; empty before an answer")
    proxy_to = serializers.IntegerField(source="proxy_to.pk", allow_null=True, default=None)
    present_in_room = serializers.BooleanField(allow_null=True, help_text="Null until the roll call")


class QuorumSerializer(serializers.Serializer):
    board_size = serializers.IntegerField()
    present = serializers.IntegerField()
    represented = serializers.IntegerField()
    counted = serializers.IntegerField()
    needed = serializers.IntegerField()
    reached = serializers.BooleanField()


class MeetingDetailSerializer(serializers.Serializer):
    # Reads a ``selectors.MeetingView``.
    meeting = MeetingSerializer()
    agenda = AgendaItemSerializer(source="items", many=True)
    agenda_changed_at = serializers.DateTimeField(
        allow_null=True, help_text="The agenda's last change since the convocation; null when it has not changed"
    )
    attendance = AttendanceSerializer(source="rows", many=True)
    quorum = QuorumSerializer()
    quorum_from_roll_call = serializers.BooleanField(source="from_roll_call")
    my_answer = serializers.CharField(source="mine.answer", default="", help_text="Empty before I answer")
    my_proxy_to = serializers.IntegerField(source="mine.proxy_to_id", default=None, allow_null=True)
    may_answer = serializers.BooleanField()
    minutes_approved = serializers.SerializerMethodField()

    def get_minutes_approved(self, view) -> bool | None:
        return None if view.minutes is None else view.minutes.approved_at is not None


class AnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=Answer.choices)
    proxy_to = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)


class MinutesSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting_id")
    starts_at = serializers.DateTimeField(source="meeting.starts_at")
    text = serializers.CharField(help_text="Markdown, as the secretary wrote it")
    html = serializers.CharField(help_text="The text rendered and sanitised")
    public_to_members = serializers.BooleanField()
    approved_at = serializers.DateTimeField(allow_null=True)
    approved_in = serializers.IntegerField(source="approved_in_id", allow_null=True)
    revision = serializers.IntegerField()


class PresenceSerializer(serializers.Serializer):
    present = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        allow_empty=True,
        max_length=200,
        help_text="The ids of the board members in the room; the others are recorded absent",
    )


MAX_COUNT = 999


class VoteInSessionSerializer(serializers.Serializer):
    """The counts of the vote held in the room (proxies included), or ``ballots``: a roll call, each
    voter present or represented (board member id) and their choice."""

    votes_for = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False)
    votes_against = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False)
    abstentions = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False)
    president_choice = serializers.ChoiceField(choices=BallotChoice.choices, required=False, allow_blank=True)
    ballots = serializers.DictField(
        child=serializers.ChoiceField(choices=BallotChoice.choices), required=False, allow_empty=False
    )

    def validate_ballots(self, ballots: dict) -> dict[int, str]:
        if len(ballots) > 200 or not all(key.isdecimal() and len(key) < 10 for key in ballots):
            raise serializers.ValidationError(_("Name each voter by their id."))
        return {int(key): choice for key, choice in ballots.items()}

    def validate(self, data: dict) -> dict:
        counts = ("votes_for", "votes_against", "abstentions")
        if "ballots" in data:
            if any(name in data for name in (*counts, "president_choice")):
                raise serializers.ValidationError(_("Give either the counts or the ballots of a roll call."))
        elif not all(name in data for name in counts):
            raise serializers.ValidationError(_("Give the counts for, against and abstentions, or the ballots."))
        return data
