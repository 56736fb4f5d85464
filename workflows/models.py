"""Proposals, board votes, ballots and the decision register.

A proposal is raised in a collège, reviewed by its coordinators, voted on by the board; an
adopted or rejected proposal becomes a numbered decision. The process that moves it from step
to step lives in ``workflows/proposals/``; these rows hold what it decides.
"""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from intranet.models import College
from workflows.vote_rules import Majority, VoteRules


class VoteSettings(models.Model):
    """The board's voting rules, set by staff; each vote keeps the rules it was opened under."""

    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (% of the board who must vote)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    abstentions_count_for_quorum = models.BooleanField(_("abstentions count for the quorum"), default=True)
    majority = models.CharField(
        _("majority"),
        max_length=20,
        choices=[
            (Majority.SIMPLE, _("more for than against")),
            (Majority.ABSOLUTE, _("more for than half of the votes cast")),
            (Majority.TWO_THIRDS, _("two thirds of for and against")),
        ],
        default=Majority.SIMPLE,
    )
    president_casting_vote = models.BooleanField(_("the president's vote decides a tie"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("voting rules")
        verbose_name_plural = _("voting rules")

    def __str__(self) -> str:
        return str(_("voting rules"))

    @classmethod
    def current(cls) -> VoteSettings:
        return cls.objects.order_by("pk").first() or cls()

    def rules(self) -> VoteRules:
        return VoteRules(
            quorum=Fraction(self.quorum_percent, 100),
            abstentions_count_for_quorum=self.abstentions_count_for_quorum,
            majority=Majority(self.majority),
            president_casting_vote=self.president_casting_vote,
        )


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review in the collège")
    RETURNED = "returned", _("returned to its author")
    DECLINED = "declined", _("declined by the collège")
    WITHDRAWN = "withdrawn", _("withdrawn")
    ON_AGENDA = "on_agenda", _("on the board's agenda")
    VOTING = "voting", _("board vote open")
    ADOPTED = "adopted", _("adopted")
    REJECTED = "rejected", _("rejected")


class Proposal(models.Model):
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("full text"))
    body_html = models.TextField(editable=False)
    budget = models.DecimalField(_("budget (€)"), max_digits=12, decimal_places=2, null=True, blank=True)
    wished_decision_date = models.DateField(_("wished decision date"), null=True, blank=True)
    status = models.CharField(max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    recommendation = models.TextField(_("the collège's recommendation"), blank=True)
    review_note = models.TextField(_("changes requested or reason for declining"), blank=True)
    thread = models.OneToOneField(
        "forums.Thread", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    # Documents attached from anywhere in the spaces (each reader sees those they may open)...
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="proposals")
    # ...and the proposal's own folder in its collège's space, opened step by step like the proposal.
    folder = models.OneToOneField(
        "documents.Folder", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    # A proposal may change an earlier decision; the decision it becomes shows the link.
    amends = models.ForeignKey(
        "workflows.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("amends"),
    )
    repeals = models.ForeignKey(
        "workflows.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("repeals"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change: a form posted from a stale copy is refused, not applied.
    revision = models.PositiveIntegerField(default=1)
    # The key of the form that created it: the same form posted twice makes one proposal.
    creation_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class CloseReason(models.TextChoices):
    EVERYONE_VOTED = "everyone_voted", _("every board member voted")
    DEADLINE = "deadline", _("the deadline passed")
    CLOSED_BY_OFFICER = "closed_by_officer", _("closed by the president or the secretary")
    HELD_IN_SESSION = "held_in_session", _("held in a board meeting")


class VoteResult(models.TextChoices):
    ADOPTED = "adopted", _("adopted")
    REJECTED = "rejected", _("rejected")
    NO_QUORUM = "no_quorum", _("no quorum")


class BoardVote(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="votes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(_("deadline"))
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    rules = models.JSONField(editable=False)  # the rules in force when the vote opened
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(max_length=30, choices=CloseReason.choices, blank=True)
    result = models.CharField(max_length=20, choices=VoteResult.choices, blank=True)
    board_size = models.PositiveIntegerField(null=True, blank=True)
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    quorum_needed = models.PositiveIntegerField(null=True, blank=True)
    quorum_reached = models.BooleanField(null=True, blank=True)
    casting_vote_used = models.BooleanField(default=False)
    # Opened during a board meeting for those in the room: only they vote, and the quorum counts
    # them; otherwise the whole board votes (an online vote between meetings).
    for_the_room = models.BooleanField(default=False, editable=False)
    room_voters = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        verbose_name = _("board vote")
        verbose_name_plural = _("board votes")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(closed_at__isnull=True), name="workflows_one_open_vote_per_proposal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} ({self.opened_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class BallotChoice(models.TextChoices):
    FOR = "for", _("for")
    AGAINST = "against", _("against")
    ABSTAIN = "abstain", _("abstention")


class Ballot(models.Model):
    vote = models.ForeignKey(BoardVote, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(_("vote"), max_length=10, choices=BallotChoice.choices)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    # In a meeting's roll call, the member present who gave it for the voter, represented by proxy:
    # kept with the ballot, since the roll call may be recorded again later in the meeting.
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by proxy by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cast_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["vote", "voter"], name="workflows_one_ballot_per_voter")]

    def __str__(self) -> str:
        return f"{self.voter} — {self.get_choice_display()}"


class DecisionCounter(models.Model):
    """The last decision number given in a year: locked while a number is taken, so numbers
    are unique and without gaps even when two votes close at the same instant."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("decision counter")
        verbose_name_plural = _("decision counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Decision(models.Model):
    """An entry of the decision register. Never edited: a later decision amends or repeals it."""

    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=20, unique=True)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decisions")
    vote = models.OneToOneField(BoardVote, on_delete=models.PROTECT, related_name="decision")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=VoteResult.choices)
    votes_for = models.PositiveIntegerField()
    votes_against = models.PositiveIntegerField()
    abstentions = models.PositiveIntegerField()
    quorum_reached = models.BooleanField()
    decided_at = models.DateTimeField(_("decided on"))
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amended_by", verbose_name=_("amends")
    )
    repeals = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="repealed_by", verbose_name=_("repeals")
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-year", "-sequence"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="workflows_decision_number")]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class ProposalProcess(Process):
    """The proposal's run through ``ProposalFlow``: its tasks say which step is waiting for whom.
    Its row is locked during every transition of the proposal."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="process")

    class Meta:
        verbose_name = _("proposal process")
        verbose_name_plural = _("proposal processes")
