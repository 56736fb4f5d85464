"""Reads of proposals and the decision register, filtered by the workflow policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from documents.models import Document
from documents.selectors import visible_document_ids
from forums import policies as forum_policies
from forums.models import Thread
from intranet import policies as core
from intranet.audit import action_label
from intranet.models import AuditEntry
from workflows import policies
from workflows.models import Ballot, BallotChoice, BoardVote, Decision, Proposal
from workflows.proposals.flows import ProposalFlow

# The proposal's thread with what the forum policy reads of it: asking whether the reader may
# open it then costs no query (the roles are read once for the page).
DISCUSSION = "thread__forum__college"


def visible_proposals(user) -> QuerySet[Proposal]:
    return Proposal.objects.filter(policies.visible_proposals_q(user)).distinct()


def get_proposal_for_user(user, proposal_id: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("college", "author", DISCUSSION, "amends", "repeals")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or not policies.can_view_proposal(user, proposal):
        raise Http404
    return proposal


def get_vote_for_user(user, vote_id: int) -> BoardVote:
    """A board vote of a proposal ``user`` may open; the same 404 for any other and a missing one."""
    # With the proposal's discussion: a ballot refused re-renders the proposal's page.
    vote = BoardVote.objects.select_related(f"proposal__{DISCUSSION}").filter(pk=vote_id).first()
    if vote is None or not policies.can_view_proposal(user, vote.proposal):
        raise Http404
    return vote


def register(user, *, year: int | None = None, college: str = "", outcome: str = "") -> QuerySet[Decision]:
    """The decision register as every member reads it, with its filters."""
    if not core.is_member(user):
        return Decision.objects.none()
    decisions = Decision.objects.select_related("proposal__college", "amends", "repeals").order_by("-year", "-sequence")
    if year:
        decisions = decisions.filter(year=year)
    if college:
        decisions = decisions.filter(proposal__college__slug=college)
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    return decisions


def register_years() -> list[int]:
    return list(Decision.objects.order_by("-year").values_list("year", flat=True).distinct())


def get_decision_for_user(user, number: str) -> Decision:
    decision = (
        Decision.objects.select_related("proposal__college", f"proposal__{DISCUSSION}", "vote", "amends", "repeals")
        .filter(number=number)
        .first()
    )
    if decision is None or not core.is_member(user):
        raise Http404
    return decision


def discussion_for(user, proposal: Proposal) -> Thread | None:
    """The thread where the proposal's collège discusses it, if ``user`` may open it (the forum
    policy decides, as the thread's page does): every member reads a decided proposal, not the
    collège's forum, and a link is never a 404. ``proposal`` comes with its ``DISCUSSION``."""
    thread = proposal.thread
    if thread is None or not forum_policies.can_read_forum(user, thread.forum):
        return None
    return thread


# --- A proposal as one reader sees it ------------------------------------------------------


@dataclass
class ProposalView:
    """A proposal as its page and the API show it to one reader: its votes, the ballots of the
    open vote when the policy lets the reader see them, their own ballot, and what they may do."""

    proposal: Proposal
    votes: list[BoardVote]  # newest first
    open_vote: BoardVote | None
    ballots: list[Ballot]  # of the open vote, in the order cast; empty unless ``sees_ballots``
    sees_ballots: bool
    own_ballot: Ballot | None  # the reader's ballot in the open vote
    decisions: list[Decision]
    allowed: dict[str, bool]  # ``policies.proposal_actions``
    discussion: Thread | None  # ``discussion_for``: None for a reader who may not open it

    @property
    def discussion_id(self) -> int | None:
        return self.discussion.pk if self.discussion is not None else None

    @property
    def tally(self) -> dict[str, int]:
        return {choice: sum(1 for ballot in self.ballots if ballot.choice == choice) for choice in BallotChoice.values}

    @property
    def my_ballot(self) -> str | None:
        return self.own_ballot.choice if self.own_ballot is not None else None

    @property
    def decision_numbers(self) -> list[str]:
        return [decision.number for decision in self.decisions]


def proposal_view(user, proposal: Proposal) -> ProposalView:
    """What ``user`` sees of ``proposal`` (already through ``get_proposal_for_user``) and may do."""
    votes = list(proposal.votes.select_related("opened_by", "closed_by").order_by("-opened_at"))
    open_vote = next((vote for vote in votes if vote.is_open), None)
    sees_ballots = open_vote is not None and policies.can_see_ballots(user, open_vote)
    ballots = list(open_vote.ballots.select_related("voter").order_by("cast_at")) if sees_ballots else []
    own_ballot = next((ballot for ballot in ballots if ballot.voter_id == user.pk), None)
    if own_ballot is None and open_vote is not None and not sees_ballots:
        own_ballot = open_vote.ballots.filter(voter=user).first()
    return ProposalView(
        proposal=proposal,
        votes=votes,
        open_vote=open_vote,
        ballots=ballots,
        sees_ballots=sees_ballots,
        own_ballot=own_ballot,
        decisions=list(proposal.decisions.all()),
        allowed=policies.proposal_actions(user, proposal, open_vote=open_vote),
        discussion=discussion_for(user, proposal),
    )


@dataclass
class TimelineEntry:
    entry: AuditEntry
    label: str  # what was done, in words


def timeline(proposal: Proposal) -> list[TimelineEntry]:
    """Who did what to the proposal, and when, from the audit log (oldest first)."""
    entries = (
        AuditEntry.objects.filter(target_type="proposal", target_id=str(proposal.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
    return [TimelineEntry(entry, action_label(entry.action)) for entry in entries]


@dataclass
class ProposalDocument:
    """A document of a proposal, as one reader sees it in the list (named only if ``visible``)."""

    document: Document
    attached: bool  # attached to the proposal (the author may detach it), not only in its folder
    visible: bool  # the reader may open it


def proposal_documents(user, proposal: Proposal) -> list[ProposalDocument]:
    """The proposal's documents (those attached, then those of its folder), each with whether
    ``user`` may open it; the page names only those."""
    attached = list(proposal.documents.filter(deleted_at__isnull=True).order_by("name"))
    in_folder = (
        list(Document.objects.filter(folder_id=proposal.folder_id, deleted_at__isnull=True).order_by("name"))
        if proposal.folder_id
        else []
    )
    attached_ids = {document.pk for document in attached}
    seen, documents = set(), []
    for document in attached + in_folder:
        if document.pk not in seen:
            seen.add(document.pk)
            documents.append(document)
    visible = visible_document_ids(user, [document.pk for document in documents])
    return [
        ProposalDocument(document, attached=document.pk in attached_ids, visible=document.pk in visible)
        for document in documents
    ]


# --- "Mes tâches" ----------------------------------------------------------------------------


def waiting_tasks(user, permissions: frozenset[str] | None = None) -> QuerySet[Task]:
    """The process's steps waiting for ``user``: those they took (or that are theirs as author),
    and those nobody took yet that a permission they hold offers them, as in Viewflow's
    ``user_queue`` but from the workflow policy (and without its superuser shortcut)."""
    if not core.is_member(user):
        return Task.objects.none()
    if permissions is None:
        permissions = policies.step_permissions(user)
    personal = Q(owner_permission__isnull=True) | Q(owner_permission="")
    return Task.objects.filter(
        # Mine (a group's task only while I still hold the group's permission), or my group's.
        Q(owner=user) & (personal | Q(owner_permission__in=permissions))
        | Q(owner__isnull=True, owner_permission__in=permissions),
        flow_task_type="HUMAN",
        status__in=(STATUS.NEW, STATUS.ASSIGNED),
        process__flow_class=ProposalFlow,
        # Someone who lost a role keeps no sight of a task they had taken.
        process__proposalprocess__proposal__in=Proposal.objects.filter(
            policies.visible_proposals_q(user, on_board=policies.VOTE_IN_BOARD in permissions)
        ).values("pk"),
    )


WAITING = (STATUS.NEW, STATUS.ASSIGNED)  # a task still to do


def waiting_task(proposal: Proposal, node) -> Task | None:
    """The task of the process waiting in step ``node``, if it waits there."""
    return (
        Task.objects.filter(process__proposalprocess__proposal=proposal.pk, flow_task=node, status__in=WAITING)
        .select_related("owner")
        .first()
    )


@dataclass
class StepView:
    """The step a proposal waits in, and what one reader may do with it."""

    task: Task
    can_claim: bool
    can_release: bool


def proposal_tasks(proposal: Proposal) -> list[Task]:
    """Every task of the proposal's process, oldest first, with its owner: the page's diagram
    and its current step read them in one query."""
    tasks = Task.objects.filter(process__proposalprocess__proposal=proposal.pk).select_related("owner")
    return list(tasks.order_by("created", "pk"))


def waiting_step(tasks: list[Task]) -> Task | None:
    """The step for people the proposal waits in, among its ``proposal_tasks`` (none while the
    board votes or once ended)."""
    return next((task for task in reversed(tasks) if task.flow_task_type == "HUMAN" and task.status in WAITING), None)


def current_step(user, tasks: list[Task]) -> StepView | None:
    """The proposal's waiting step (among its ``proposal_tasks``) and what ``user`` may do with it."""
    task = waiting_step(tasks)
    if task is None:
        return None
    return StepView(
        task=task,
        can_claim=task.owner_id is None and task.flow_task.can_assign(user, task),
        can_release=bool(task.owner_id and task.owner_permission) and policies.can_release_task(user, task),
    )


def get_task_for_user(user, task_id: int) -> int:
    """The id of a task of a proposal ``user`` may open; a 404 for any other, as for a missing one."""
    proposal_id = (
        Task.objects.filter(pk=task_id, process__flow_class=ProposalFlow)
        .values_list("process__proposalprocess__proposal", flat=True)
        .first()
    )
    if proposal_id is None:
        raise Http404
    get_proposal_for_user(user, proposal_id)
    return task_id


def ballots_waiting(user, permissions: frozenset[str] | None = None) -> QuerySet[BoardVote]:
    """Open board votes in which ``user``, on the board, has not voted yet."""
    if permissions is None:
        permissions = policies.step_permissions(user)
    if policies.VOTE_IN_BOARD not in permissions:
        return BoardVote.objects.none()
    waiting = BoardVote.objects.filter(closed_at__isnull=True, deadline__gt=timezone.now()).exclude(ballots__voter=user)
    # A vote opened in a meeting waits only for those in the room.
    return waiting.filter(Q(for_the_room=False) | Q(room_voters=user))


def task_count(user) -> int:
    """The count shown beside "Mes tâches" in the navigation."""
    permissions = policies.step_permissions(user)
    return waiting_tasks(user, permissions).count() + ballots_waiting(user, permissions).count()


@dataclass
class WaitingTask:
    """A step waiting for the reader or their group, with its proposal, as "my tasks" shows it."""

    task: Task
    proposal: Proposal
    taken_by_me: bool

    @property
    def offered(self) -> bool:
        """Nobody has taken it yet: the reader may take it."""
        return self.task.owner_id is None

    @property
    def releasable(self) -> bool:
        """Taken, from a group: it can go back to the group."""
        return self.task.owner_id is not None and bool(self.task.owner_permission)


def _waiting_in_order(user) -> tuple[QuerySet[Task], QuerySet[BoardVote]]:
    """The steps waiting for ``user`` or their group, oldest first, and the board votes waiting
    for their ballot, soonest deadline first: "my tasks" and the home list them in this order."""
    permissions = policies.step_permissions(user)
    return (
        waiting_tasks(user, permissions).order_by("created"),
        ballots_waiting(user, permissions).order_by("deadline"),
    )


def task_list(user) -> tuple[list[WaitingTask], list[BoardVote]]:
    """``_waiting_in_order`` as "my tasks" shows it (a fixed number of queries)."""
    tasks, ballots = _waiting_in_order(user)
    # The proposal comes in the same query, through the process (ProposalProcess extends it).
    tasks = tasks.select_related(
        "owner", "process__proposalprocess__proposal__college", "process__proposalprocess__proposal__author"
    )
    steps = [WaitingTask(task, task.process.proposalprocess.proposal, task.owner_id == user.pk) for task in tasks]
    return steps, list(ballots.select_related("proposal__college"))


@dataclass(frozen=True)
class WaitingSummary:
    """A step or a ballot waiting for the reader, as the home lists it: no more is read."""

    proposal_id: int
    proposal_title: str
    since: datetime
    node: object = None  # for a step, the flow's node: its title says what is asked
    deadline: datetime | None = None  # for a ballot


def waiting_summaries(user) -> tuple[list[WaitingSummary], list[WaitingSummary]]:
    """``task_list`` in the few columns the home shows (two queries): the full rows, with the
    owner, the author and the collège, cost the home a third of its time."""
    tasks, ballots = _waiting_in_order(user)
    proposal = "process__proposalprocess__proposal"
    return (
        [
            WaitingSummary(proposal_id, title, created, node=node)
            for created, node, proposal_id, title in tasks.values_list(
                "created", "flow_task", f"{proposal}_id", f"{proposal}__title"
            )
        ],
        [
            WaitingSummary(proposal_id, title, opened_at, deadline=deadline)
            for proposal_id, title, opened_at, deadline in ballots.values_list(
                "proposal_id", "proposal__title", "opened_at", "deadline"
            )
        ],
    )
