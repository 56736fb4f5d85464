"""What the workflow API shows of proposals, board votes, decisions and tasks, and what it takes."""

from __future__ import annotations

from rest_framework import serializers

from intranet.api.serializers import PersonSerializer
from intranet.markdown import MAX_LENGTH
from workflows.models import BallotChoice, BoardVote, Decision, Proposal, ProposalStatus


class ProposalSerializer(serializers.ModelSerializer):
    college = serializers.CharField(source="college.slug")
    author = PersonSerializer()
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Proposal
        fields = ["id", "title", "summary", "college", "author", "status", "status_label", "revision", "updated_at"]


class VoteSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField()

    class Meta:
        model = BoardVote
        fields = [
            "id", "opened_at", "deadline", "is_open", "closed_at", "close_reason", "result",
            "board_size", "votes_for", "votes_against", "abstentions", "quorum_needed", "quorum_reached",
        ]  # fmt: skip


class AllowedSerializer(serializers.Serializer):
    can_edit = serializers.BooleanField()
    can_submit = serializers.BooleanField()
    can_withdraw = serializers.BooleanField()
    can_review = serializers.BooleanField()
    can_open_vote = serializers.BooleanField()
    can_vote = serializers.BooleanField()
    can_close_vote = serializers.BooleanField()


class ProposalDetailSerializer(ProposalSerializer):
    # A proposal as one reader sees it, from ``selectors.ProposalView`` as its page reads it: the
    # proposal's own fields, then its votes, the reader's ballot and what they may do. (A comment,
    # not a docstring: the schema would show it.)

    college = serializers.CharField(source="proposal.college.slug")
    author = PersonSerializer(source="proposal.author")
    status_label = serializers.CharField(source="proposal.get_status_display")
    votes = VoteSerializer(many=True)
    my_ballot = serializers.CharField(allow_null=True)
    decisions = serializers.ListField(child=serializers.CharField(), source="decision_numbers")
    allowed = AllowedSerializer()
    thread = serializers.IntegerField(
        source="discussion_id",
        allow_null=True,
        help_text="Its discussion in the collège's forum; null if you may not open it",
    )
    amends = serializers.CharField(source="proposal.amends.number", allow_null=True, default=None)
    repeals = serializers.CharField(source="proposal.repeals.number", allow_null=True, default=None)

    class Meta(ProposalSerializer.Meta):
        fields = [
            *ProposalSerializer.Meta.fields,
            "body", "body_html", "budget", "wished_decision_date", "recommendation", "review_note",
            "submitted_at", "forwarded_at", "created_at", "thread", "amends", "repeals", "votes", "my_ballot",
            "decisions", "allowed",
        ]  # fmt: skip

    def get_fields(self) -> dict:
        # The fields built from the model read the view's proposal.
        fields = super().get_fields()
        for name, field in fields.items():
            if name not in self._declared_fields:
                field.source = f"proposal.{name}"
        return fields


class ProposalFilterSerializer(serializers.Serializer):
    # Each choice → the fields it sorts on (the id last, so that a page never moves).
    ORDERINGS = {
        "-updated_at": ("-updated_at", "-pk"),
        "updated_at": ("updated_at", "pk"),
        "-created_at": ("-created_at", "-pk"),
        "created_at": ("created_at", "pk"),
        "title": ("title", "pk"),
        "-title": ("-title", "-pk"),
    }

    status = serializers.ChoiceField(choices=ProposalStatus.choices, required=False)
    ordering = serializers.ChoiceField(
        choices=list(ORDERINGS),
        default="-updated_at",
        help_text="By last change (the default, newest first), by creation or by title; - reverses",
    )


class ProposalWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500)
    body = serializers.CharField(max_length=MAX_LENGTH)
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    wished_decision_date = serializers.DateField(required=False, allow_null=True)
    amends = serializers.SlugRelatedField(
        slug_field="number", queryset=Decision.objects.all(), required=False, allow_null=True
    )
    repeals = serializers.SlugRelatedField(
        slug_field="number", queryset=Decision.objects.all(), required=False, allow_null=True
    )


class NewProposalSerializer(ProposalWriteSerializer):
    college = serializers.SlugField(help_text="The collège's slug: one you belong to")
    creation_key = serializers.UUIDField(
        required=False, help_text="Sent twice (a retry), the same key makes one proposal"
    )


class EditProposalSerializer(ProposalWriteSerializer):
    revision = serializers.IntegerField(help_text="The revision you edited: refused if someone changed it since")


class RevisionSerializer(serializers.Serializer):
    revision = serializers.IntegerField(required=False, help_text="Refused if the proposal changed since")


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["forward", "return", "decline"])
    text = serializers.CharField(
        max_length=5000, help_text="The recommendation (forward), the changes asked (return) or the reason (decline)"
    )
    revision = serializers.IntegerField(required=False)


class OpenVoteSerializer(serializers.Serializer):
    deadline = serializers.DateTimeField()


class BallotSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=BallotChoice.choices)
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.ModelSerializer):
    college = serializers.CharField(source="proposal.college.slug")
    proposal = serializers.IntegerField(source="proposal_id")
    amends = serializers.CharField(source="amends.number", allow_null=True, default=None)
    repeals = serializers.CharField(source="repeals.number", allow_null=True, default=None)

    class Meta:
        model = Decision
        fields = [
            "number", "year", "title", "outcome", "votes_for", "votes_against", "abstentions", "quorum_reached",
            "decided_at", "college", "proposal", "amends", "repeals",
        ]  # fmt: skip


class DecisionDetailSerializer(DecisionSerializer):
    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "text"]


class DecisionFilterSerializer(serializers.Serializer):
    # Each choice → the fields it sorts on; a number sorts by its year, then its place in the year.
    ORDERINGS = {
        "-decided_at": ("-decided_at", "-year", "-sequence"),
        "decided_at": ("decided_at", "year", "sequence"),
        "-number": ("-year", "-sequence"),
        "number": ("year", "sequence"),
    }

    year = serializers.IntegerField(required=False, min_value=1900, max_value=3000)
    college = serializers.SlugField(required=False)
    outcome = serializers.ChoiceField(choices=["adopted", "rejected"], required=False)
    ordering = serializers.ChoiceField(
        choices=list(ORDERINGS),
        default="-decided_at",
        help_text="By decision date (the default, newest first) or by number; - reverses",
    )


class TaskSerializer(serializers.Serializer):
    # Reads a ``selectors.WaitingTask``, as the "my tasks" page does.

    id = serializers.IntegerField(source="task.pk")
    step = serializers.CharField(source="task.flow_task.task_title")
    proposal = ProposalSerializer()
    created = serializers.DateTimeField(source="task.created")
    owner = PersonSerializer(source="task.owner", allow_null=True)
    taken_by_me = serializers.BooleanField()


class WaitingBallotSerializer(serializers.Serializer):
    vote = serializers.IntegerField(source="pk")
    proposal = serializers.IntegerField(source="proposal_id")
    title = serializers.CharField(source="proposal.title")
    deadline = serializers.DateTimeField()


class TaskListSerializer(serializers.Serializer):
    steps = TaskSerializer(many=True)
    ballots = WaitingBallotSerializer(many=True)
