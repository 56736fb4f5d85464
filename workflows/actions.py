"""Every change in proposals, the board's votes and the decision register.

Each transition locks the proposal's process row, then the proposal (``select_for_update`` on
PostgreSQL; SQLite's immediate transactions serialise writers), checks the policy and the
permission the Viewflow step declares, changes the proposal, writes its audit row, and completes
the step, all in one transaction. A vote's row is locked too whenever a ballot is cast or the
vote closes, so that a ballot is never lost to a close that counted without it, and a vote
closes once. Decision numbers come from a per-year counter locked in the same transaction:
unique and without gaps.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from documents import actions as document_actions
from documents import policies as document_policies
from documents.models import AccessLevel, Document, Folder
from forums import actions as forum_actions
from forums.models import Forum
from intranet import policies as core_policies
from intranet import search
from intranet.actions import ActionRefused
from intranet.audit import AuditAction, record
from intranet.groups import ALL_MEMBERS_GROUP, BOARD_GROUP, system_group
from intranet.markdown import MAX_LENGTH, render_markdown
from intranet.models import BoardMembership, BoardRole, College, User
from workflows import notifications, policies
from workflows.models import (
    Ballot,
    BallotChoice,
    BoardVote,
    CloseReason,
    Decision,
    DecisionCounter,
    Proposal,
    ProposalProcess,
    ProposalStatus,
    VoteResult,
    VoteSettings,
)
from workflows.proposals.flows import ProposalFlow
from workflows.proposals.rules import Choice, count_votes, rules_as_json, rules_from_json

DECISION_PREFIX = "CA"
TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 500


# --- Proposals -----------------------------------------------------------------------------


def _lock_process(proposal_id: int) -> None:
    """The process row first, then the proposal or its vote: every transition locks in this order."""
    list(ProposalProcess.objects.select_for_update().filter(proposal_id=proposal_id).values("pk"))


def _locked_proposal(proposal: Proposal) -> Proposal:
    _lock_process(proposal.pk)
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


WAITING = (STATUS.NEW, STATUS.ASSIGNED)


def waiting_task(proposal: Proposal, node) -> Task | None:
    """The task of the process waiting in step ``node``, if it waits there."""
    return (
        Task.objects.filter(process__proposalprocess__proposal=proposal.pk, flow_task=node, status__in=WAITING)
        .select_related("owner")
        .first()
    )


def _complete_step(actor: User, proposal: Proposal, node) -> None:
    """Complete the step ``node`` as ``actor``, asking the permission the node declares: a task
    nobody has taken is taken on the way; one another person has taken is refused."""
    task = waiting_task(proposal, node)
    if task is None:
        raise ActionRefused(_("This step is no longer waiting: reload the page to see what changed."))
    activation = node.activation_class(task)
    _free_if_owner_left(task, activation)
    if task.owner_id is None:
        if not node.can_assign(actor, task):
            raise PermissionDenied("This step is not offered to this person.")
        activation.assign(actor)
    elif not node.can_execute(actor, task):
        raise ActionRefused(
            _("%(name)s has taken this task: ask them, or staff, to release it.") % {"name": task.owner.get_full_name()}
        )
    activation.start(None)
    activation.execute()


def _free_if_owner_left(task: Task, activation) -> None:
    """A group's task taken by someone who has since lost the role (or their account) goes back
    to the group, instead of waiting for staff to release it."""
    owner_left = task.owner_id is not None and task.owner_permission not in policies.step_permissions(task.owner)
    if task.owner_permission and owner_left:
        activation.unassign()


def _refuse_if_changed(proposal: Proposal, revision: int | None) -> None:
    if revision is not None and proposal.revision != revision:
        raise ActionRefused(
            _("Someone else acted on this proposal in the meantime. Reload the page to see what changed.")
        )


def _clean_texts(title: str, summary: str, body: str) -> tuple[str, str, str]:
    title, summary, body = title.strip(), summary.strip(), body.strip()
    if not title:
        raise ActionRefused(_("Give the proposal a title."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise ActionRefused(_("A title is at most %(max)s characters long.") % {"max": TITLE_MAX_LENGTH}, field="title")
    if not summary:
        raise ActionRefused(_("Summarise the proposal in a sentence or two."), field="summary")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise ActionRefused(
            _("A summary is at most %(max)s characters long.") % {"max": SUMMARY_MAX_LENGTH}, field="summary"
        )
    if not body:
        raise ActionRefused(_("Write the full text of the proposal."), field="body")
    if len(body) > MAX_LENGTH:
        raise ActionRefused(_("The full text is at most %(max)s characters long.") % {"max": MAX_LENGTH}, field="body")
    return title, summary, body


def create_proposal(
    actor: User,
    *,
    college: College,
    title: str,
    summary: str,
    body: str,
    budget: Decimal | None = None,
    wished_decision_date: date | None = None,
    creation_key: uuid.UUID | None = None,
    amends: Decision | None = None,
    repeals: Decision | None = None,
) -> Proposal:
    """A draft, seen by its author only. The same form posted twice (``creation_key``) makes one."""
    if not policies.can_raise_proposal(actor, college):
        raise PermissionDenied("Only the collège's members raise proposals in it.")
    title, summary, body = _clean_texts(title, summary, body)
    if creation_key is not None:
        existing = Proposal.objects.filter(creation_key=creation_key, author=actor).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                college=college,
                author=actor,
                title=title,
                summary=summary,
                body=body,
                body_html=render_markdown(body).html,
                budget=budget,
                wished_decision_date=wished_decision_date,
                creation_key=creation_key,
                amends=amends,
                repeals=repeals,
            )
            ProposalFlow.start.run(proposal=proposal)
            record(actor, AuditAction.PROPOSAL_CREATED, proposal, college=college.name)
            search.record_change("proposal", [proposal.pk])
    except IntegrityError as error:
        # The twin request won the race: both get the same proposal.
        twin = Proposal.objects.filter(creation_key=creation_key, author=actor).first()
        if twin is None:
            # The key is someone else's (a copied form): nothing of theirs is shown or changed.
            raise ActionRefused(
                _("This form was already used. Reload the page to write a new proposal."), field="creation_key"
            ) from error
        return twin
    return proposal


def update_proposal(
    actor: User,
    *,
    proposal: Proposal,
    title: str,
    summary: str,
    body: str,
    budget: Decimal | None,
    wished_decision_date: date | None,
    revision: int,
    amends: Decision | None = None,
    repeals: Decision | None = None,
) -> Proposal:
    title, summary, body = _clean_texts(title, summary, body)
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if not policies.can_edit_proposal(actor, proposal):
            raise ActionRefused(_("This proposal can no longer be edited: it is with the collège or the board."))
        _refuse_if_changed(proposal, revision)
        proposal.title, proposal.summary, proposal.body = title, summary, body
        proposal.body_html = render_markdown(body).html
        proposal.budget, proposal.wished_decision_date = budget, wished_decision_date
        proposal.amends, proposal.repeals = amends, repeals
        proposal.revision += 1
        proposal.save()
        record(actor, AuditAction.PROPOSAL_UPDATED, proposal)
        search.record_change("proposal", [proposal.pk])
    return proposal


def submit_proposal(actor: User, *, proposal: Proposal, revision: int | None = None) -> Proposal:
    """To the collège's review; the first submission opens its discussion in the collège's forum."""
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if not policies.is_author(actor, proposal):
            raise PermissionDenied("Only the author submits a proposal.")
        if not policies.can_submit_proposal(actor, proposal):
            raise ActionRefused(_("This proposal has already been submitted."))
        _refuse_if_changed(proposal, revision)
        if proposal.thread_id is None:
            forum = Forum.objects.get(college_id=proposal.college_id)
            proposal.thread = forum_actions.start_thread(
                actor,
                forum=forum,
                title=(_("Proposal: %(title)s") % {"title": proposal.title})[:TITLE_MAX_LENGTH],
                body=f"{proposal.summary}\n\n{proposal.body}",
            )
        proposal.status, proposal.submitted_at = ProposalStatus.IN_REVIEW, timezone.now()
        proposal.revision += 1
        proposal.save()
        _complete_step(actor, proposal, ProposalFlow.write)
        _open_folder(proposal, proposal.college.members_group, actor, "proposal submitted")
        _author_may_upload(proposal, False, actor, "proposal submitted")
        record(actor, AuditAction.PROPOSAL_SUBMITTED, proposal, thread=proposal.thread_id)
        notifications.review_waiting(actor, proposal)
    return proposal


def _review(actor: User, proposal: Proposal, revision: int | None) -> Proposal:
    proposal = _locked_proposal(proposal)
    if proposal.status != ProposalStatus.IN_REVIEW:
        raise ActionRefused(
            _("This proposal is no longer waiting for review (now: %(status)s): someone acted on it before you.")
            % {"status": proposal.get_status_display()}
        )
    if not policies.can_review_proposal(actor, proposal):
        raise PermissionDenied("Only the collège's coordinators review its proposals.")
    _refuse_if_changed(proposal, revision)
    return proposal


def forward_proposal(actor: User, *, proposal: Proposal, recommendation: str, revision: int | None = None) -> Proposal:
    if not recommendation.strip():
        raise ActionRefused(_("Give the board the collège's recommendation."), field="recommendation")
    with transaction.atomic():
        proposal = _review(actor, proposal, revision)
        proposal.status, proposal.forwarded_at = ProposalStatus.ON_AGENDA, timezone.now()
        proposal.recommendation = recommendation.strip()
        proposal.revision += 1
        proposal.save()
        _complete_step(actor, proposal, ProposalFlow.review)
        _open_folder(proposal, system_group(BOARD_GROUP), actor, "proposal forwarded to the board")
        record(actor, AuditAction.PROPOSAL_FORWARDED, proposal)
        notifications.proposal_moved(actor, proposal, "forwarded")
        notifications.agenda_waiting(actor, proposal)
    return proposal


def return_proposal(actor: User, *, proposal: Proposal, note: str, revision: int | None = None) -> Proposal:
    if not note.strip():
        raise ActionRefused(_("Say which changes you ask for."), field="note")
    with transaction.atomic():
        proposal = _review(actor, proposal, revision)
        proposal.status, proposal.review_note = ProposalStatus.RETURNED, note.strip()
        proposal.revision += 1
        proposal.save()
        _complete_step(actor, proposal, ProposalFlow.review)
        _author_may_upload(proposal, True, actor, "proposal returned to its author")
        record(actor, AuditAction.PROPOSAL_RETURNED, proposal)
        notifications.proposal_moved(actor, proposal, "returned")
    return proposal


def decline_proposal(actor: User, *, proposal: Proposal, reason: str, revision: int | None = None) -> Proposal:
    if not reason.strip():
        raise ActionRefused(_("Give the reason for declining."), field="note")
    with transaction.atomic():
        proposal = _review(actor, proposal, revision)
        proposal.status, proposal.review_note = ProposalStatus.DECLINED, reason.strip()
        proposal.revision += 1
        proposal.save()
        _complete_step(actor, proposal, ProposalFlow.review)
        record(actor, AuditAction.PROPOSAL_DECLINED, proposal)
        notifications.proposal_moved(actor, proposal, "declined")
    return proposal


def withdraw_proposal(actor: User, *, proposal: Proposal) -> Proposal:
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if not policies.is_author(actor, proposal):
            raise PermissionDenied("Only the author withdraws a proposal.")
        if not policies.can_withdraw_proposal(actor, proposal):
            raise ActionRefused(_("The board vote has opened: the proposal can no longer be withdrawn."))
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.revision += 1
        proposal.save()
        ProposalFlow.instance.cancel(proposal.process)
        record(actor, AuditAction.PROPOSAL_WITHDRAWN, proposal)
    return proposal


# --- Documents -----------------------------------------------------------------------------

PROPOSALS_FOLDER = "Propositions"


def _open_folder(proposal: Proposal, group, actor: User | None, reason: str) -> None:
    """The proposal's folder is seen by whoever sees the proposal: opened as it moves on."""
    if proposal.folder_id is not None:
        document_actions.set_process_access(
            proposal.folder, group, AccessLevel.VIEW, actor=actor, reason=reason, at_least=True
        )


def _author_may_upload(proposal: Proposal, may_upload: bool, actor: User, reason: str) -> None:
    """The author uploads only while the proposal is theirs to edit: what the collège and the
    board read is not changed under them."""
    if proposal.folder_id is not None:
        level = AccessLevel.UPLOAD if may_upload else AccessLevel.VIEW
        document_actions.set_process_access(proposal.folder, proposal.author, level, actor=actor, reason=reason)


def _folder_name(proposal: Proposal) -> str:
    # Only characters a folder name always accepts: a title may hold anything.
    title = "".join(ch if ch.isalnum() or ch in " -_'.,()&!?" else " " for ch in proposal.title)
    return " ".join(f"{proposal.pk} – {title}".split())[:120]


def proposal_folder(actor: User, *, proposal: Proposal) -> Folder:
    """The proposal's own folder, in "Propositions" of its collège's space, made on first use:
    its author uploads there with the usual upload rules, its collège's coordinators manage it,
    and it opens to the collège, the board and every member as the proposal does."""
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if not policies.can_attach_documents(actor, proposal):
            raise PermissionDenied("Only the author adds documents, while the proposal is theirs to edit.")
        if proposal.folder is not None and proposal.folder.deleted_at is None:
            return proposal.folder
        college = proposal.college
        root = Folder.objects.get(space__college=college, parent__isnull=True)
        parent = document_actions.create_process_folder(actor, parent=root, name=PROPOSALS_FOLDER, grants=None)
        grants = [(proposal.author, AccessLevel.UPLOAD), (college.coordinators_group, AccessLevel.MANAGE)]
        if proposal.submitted_at is not None:
            grants.append((college.members_group, AccessLevel.VIEW))
        proposal.folder = document_actions.create_process_folder(
            actor, parent=parent, name=_folder_name(proposal), grants=grants
        )
        proposal.save(update_fields=["folder"])
    document_policies.forget_grants(actor)
    return proposal.folder


def attach_document(actor: User, *, proposal: Proposal, document_id: int) -> Document:
    """Attach a document from the spaces; nobody gains access by it: each reader of the proposal
    sees the documents they may open."""
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if not policies.can_attach_documents(actor, proposal):
            raise PermissionDenied("Only the author adds documents, while the proposal is theirs to edit.")
        document = Document.objects.select_related("folder").filter(pk=document_id, deleted_at__isnull=True).first()
        if document is None or not document_policies.can_view_document(actor, document):
            raise ActionRefused(_("There is no document with this number that you may open."), field="document")
        proposal.documents.add(document)
        record(actor, AuditAction.PROPOSAL_DOCUMENT_ATTACHED, proposal, document=document.pk, name=document.name)
    return document


def detach_document(actor: User, *, proposal: Proposal, document_id: int) -> None:
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if not policies.can_attach_documents(actor, proposal):
            raise PermissionDenied("Only the author removes documents, while the proposal is theirs to edit.")
        if proposal.documents.filter(pk=document_id).exists():
            proposal.documents.remove(document_id)
            record(actor, AuditAction.PROPOSAL_DOCUMENT_DETACHED, proposal, document=document_id)


# --- Tasks ---------------------------------------------------------------------------------


def _locked_task(task_id: int) -> tuple[Task, Proposal]:
    """The task and its proposal, under the process lock. Its state is for the caller to tell,
    once it has checked that the actor may know it."""
    proposal_id = Task.objects.filter(pk=task_id).values_list("process__proposalprocess__proposal", flat=True).first()
    if proposal_id is None:
        raise ActionRefused(_("This task no longer exists."))
    proposal = _locked_proposal(Proposal(pk=proposal_id))
    return Task.objects.select_related("owner").get(pk=task_id), proposal


def _refuse_if_done(task: Task) -> None:
    if task.status not in WAITING:
        raise ActionRefused(_("This task is already done: reload the page to see what changed."))


def claim_task(actor: User, *, task_id: int) -> Task:
    """Take a task offered to a group one belongs to, so that the others know who handles it."""
    with transaction.atomic():
        task, proposal = _locked_task(task_id)
        node = task.flow_task
        offered = task.owner_id == actor.pk or (task.owner_permission and node.can_assign_to_group(actor, task))
        if not offered or not policies.can_view_proposal(actor, proposal):
            raise PermissionDenied("This task is not offered to this person.")
        _refuse_if_done(task)
        if task.owner_id == actor.pk:
            return task
        activation = node.activation_class(task)
        _free_if_owner_left(task, activation)
        if task.owner_id is not None:
            raise ActionRefused(_("%(name)s has already taken this task.") % {"name": task.owner.get_full_name()})
        activation.assign(actor)
        record(actor, AuditAction.TASK_CLAIMED, proposal, step=node.name)
    return task


def release_task(actor: User, *, task_id: int) -> Task:
    """Give a taken task back to its group: by the person who took it, or by staff."""
    with transaction.atomic():
        task, proposal = _locked_task(task_id)
        node = task.flow_task
        if not policies.may_release_task(actor, task) or not policies.can_view_proposal(actor, proposal):
            raise PermissionDenied("Only the person who took a task, or staff, release it.")
        _refuse_if_done(task)
        if task.owner_id is None:
            return task
        if not task.owner_permission:
            raise ActionRefused(_("This task belongs to its author: it cannot be released."))
        node.activation_class(task).unassign()
        record(actor, AuditAction.TASK_RELEASED, proposal, step=node.name, owner=task.owner_id)
    return task


# --- Board votes ---------------------------------------------------------------------------


def _board_voters() -> dict[int, str]:
    """Active board members → their role."""
    return dict(BoardMembership.objects.filter(user__is_active=True).values_list("user_id", "role"))


def _locked_vote(vote: BoardVote) -> BoardVote:
    proposal_id = vote.proposal_id or BoardVote.objects.values_list("proposal_id", flat=True).get(pk=vote.pk)
    _lock_process(proposal_id)
    return BoardVote.objects.select_for_update().select_related("proposal").get(pk=vote.pk)


def change_vote_rules(
    actor: User, *, quorum_percent: int, abstentions_count_for_quorum: bool, majority: str, president_casting_vote: bool
) -> VoteSettings:
    if not core_policies.can_manage_association(actor):
        raise PermissionDenied("Only staff set the voting rules.")
    with transaction.atomic():
        settings = VoteSettings.objects.select_for_update().order_by("pk").first() or VoteSettings()
        before = rules_as_json(settings.rules())
        settings.quorum_percent, settings.majority = quorum_percent, majority
        settings.abstentions_count_for_quorum = abstentions_count_for_quorum
        settings.president_casting_vote = president_casting_vote
        settings.save()
        after = rules_as_json(settings.rules())
        changes = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
        record(actor, AuditAction.VOTE_RULES_CHANGED, settings, **changes)
    return settings


def open_board_vote(actor: User, *, proposal: Proposal, deadline: datetime) -> BoardVote:
    if not policies.can_run_board_votes(actor):
        raise PermissionDenied("Only the president or the secretary open a board vote.")
    if deadline <= timezone.now():
        raise ActionRefused(_("The deadline must be in the future."), field="deadline")
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if proposal.status != ProposalStatus.ON_AGENDA:
            raise ActionRefused(_("This proposal is not on the board's agenda: no vote can be opened."))
        vote = BoardVote.objects.create(
            proposal=proposal, opened_by=actor, deadline=deadline, rules=rules_as_json(VoteSettings.current().rules())
        )
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.VOTING, updated_at=timezone.now())
        _complete_step(actor, proposal, ProposalFlow.agenda)
        record(actor, AuditAction.VOTE_OPENED, proposal, deadline=deadline.isoformat(), vote=vote.pk)
        notifications.vote_opened(actor, vote)
    return vote


def cast_ballot(actor: User, *, vote: BoardVote, choice: str, comment: str = "") -> Ballot:
    """The actor's own ballot (a board member never votes for another), changeable until the close."""
    if choice not in BallotChoice.values:
        raise ActionRefused(_("Choose for, against or abstention."), field="choice")
    with transaction.atomic():
        vote = _locked_vote(vote)
        voters = _board_voters()
        if actor.pk not in voters or not ProposalFlow.vote.can_vote(actor):
            raise PermissionDenied("Only board members vote.")
        if not vote.is_open or vote.deadline <= timezone.now():
            raise ActionRefused(_("This vote is closed: your vote was not recorded."))
        ballot, created = Ballot.objects.update_or_create(
            vote=vote, voter=actor, defaults={"choice": choice, "comment": comment.strip()}
        )
        record(
            actor,
            AuditAction.BALLOT_CAST if created else AuditAction.BALLOT_CHANGED,
            vote.proposal,
            vote=vote.pk,
            choice=choice,
        )
        if set(voters) <= set(vote.ballots.values_list("voter_id", flat=True)):
            _close(vote, actor=None, reason=CloseReason.EVERYONE_VOTED, voters=voters)
    return ballot


def close_board_vote(actor: User, *, vote: BoardVote) -> BoardVote:
    """Closed by the president or the secretary before the deadline."""
    if not policies.can_run_board_votes(actor):
        raise PermissionDenied("Only the president or the secretary close a board vote.")
    with transaction.atomic():
        vote = _locked_vote(vote)
        if not vote.is_open:
            raise ActionRefused(_("This vote is already closed."))
        return _close(vote, actor=actor, reason=CloseReason.CLOSED_BY_OFFICER, voters=_board_voters())


def close_votes_past_deadline(now: datetime | None = None) -> list[BoardVote]:
    """The periodic job: close every open vote whose deadline has passed. Safe to run often and
    twice at once: each vote is closed under its lock, and a vote already closed is skipped."""
    now = now or timezone.now()
    closed = []
    for vote_id in BoardVote.objects.filter(closed_at__isnull=True, deadline__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            vote = _locked_vote(BoardVote(pk=vote_id))
            if vote.is_open and vote.deadline <= now:
                closed.append(_close(vote, actor=None, reason=CloseReason.DEADLINE, voters=_board_voters()))
    return closed


REMINDER_BEFORE = timedelta(hours=24)


def remind_votes_closing_soon(now: datetime | None = None) -> list[BoardVote]:
    """Mark (once) every open vote that closes within 24 hours; the audit row is the event the
    notifications will deliver. Two runs at once remind once: the mark is a conditional update."""
    now = now or timezone.now()
    reminded = []
    due = BoardVote.objects.filter(
        closed_at__isnull=True, reminder_sent_at__isnull=True, deadline__lte=now + REMINDER_BEFORE
    )
    for vote in due.select_related("proposal"):
        with transaction.atomic():
            if BoardVote.objects.filter(pk=vote.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                record(
                    None, AuditAction.VOTE_CLOSING_SOON, vote.proposal, vote=vote.pk, deadline=vote.deadline.isoformat()
                )
                notifications.vote_closing(vote)
                reminded.append(vote)
    return reminded


def _close(vote: BoardVote, *, actor: User | None, reason: str, voters: dict[int, str]) -> BoardVote:
    """Inside the vote's lock: count, record the result, and the decision if there is one."""
    ballots = list(vote.ballots.filter(voter_id__in=voters).values_list("voter_id", "choice"))
    president_choice = next(
        (Choice(choice) for voter_id, choice in ballots if voters.get(voter_id) == BoardRole.PRESIDENT), None
    )
    tally = count_votes(
        [Choice(choice) for _voter, choice in ballots],
        board_size=len(voters),
        rules=rules_from_json(vote.rules),
        president_choice=president_choice,
    )
    now = timezone.now()
    vote.closed_at, vote.closed_by, vote.close_reason = now, actor, reason
    vote.result = tally.result.value
    vote.board_size, vote.quorum_needed, vote.quorum_reached = (
        tally.board_size,
        tally.quorum_needed,
        tally.quorum_reached,
    )
    vote.votes_for, vote.votes_against, vote.abstentions = tally.votes_for, tally.votes_against, tally.abstentions
    vote.casting_vote_used = tally.casting_vote_used
    vote.save()
    proposal = vote.proposal
    record(actor, AuditAction.VOTE_CLOSED, proposal, vote=vote.pk, reason=reason, result=vote.result)
    notifications.vote_closed(actor, vote)
    if vote.result == VoteResult.NO_QUORUM:
        # Nothing decided: back on the board's agenda, where a new vote can be opened.
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.ON_AGENDA, updated_at=now)
        _finish_vote_step(proposal)
        notifications.agenda_waiting(actor, proposal)
        return vote
    status = ProposalStatus.ADOPTED if vote.result == VoteResult.ADOPTED else ProposalStatus.REJECTED
    Proposal.objects.filter(pk=proposal.pk).update(status=status, updated_at=now)
    _finish_vote_step(proposal)
    decision = _record_decision(vote, proposal, decided_at=now)
    _open_folder(proposal, system_group(ALL_MEMBERS_GROUP), actor, f"decision {decision.number}")
    record(actor, AuditAction.DECISION_RECORDED, decision, number=decision.number, outcome=decision.outcome)
    search.record_change("decision", [decision.pk])
    notifications.decision_recorded(actor, decision, proposal)
    return vote


def _finish_vote_step(proposal: Proposal) -> None:
    """The close completes the board-vote step; its gateway routes on the status just set."""
    task = waiting_task(proposal, ProposalFlow.vote)
    if task is not None:
        ProposalFlow.vote.run(task)


def allocate_decision_number(year: int) -> tuple[int, str]:
    """The next number of the year, inside the caller's transaction."""
    DecisionCounter.objects.bulk_create([DecisionCounter(year=year)], ignore_conflicts=True)
    counter = DecisionCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"{DECISION_PREFIX}-{year}-{counter.last:03d}"


def _record_decision(vote: BoardVote, proposal: Proposal, *, decided_at: datetime) -> Decision:
    year = timezone.localtime(decided_at).year
    sequence, number = allocate_decision_number(year)
    return Decision.objects.create(
        year=year,
        sequence=sequence,
        number=number,
        proposal=proposal,
        vote=vote,
        title=proposal.title,
        text=proposal.body,
        outcome=vote.result,
        votes_for=vote.votes_for,
        votes_against=vote.votes_against,
        abstentions=vote.abstentions,
        quorum_reached=bool(vote.quorum_reached),
        decided_at=decided_at,
        # Only an adopted proposal changes the earlier decision it names.
        amends_id=proposal.amends_id if vote.result == VoteResult.ADOPTED else None,
        repeals_id=proposal.repeals_id if vote.result == VoteResult.ADOPTED else None,
    )
