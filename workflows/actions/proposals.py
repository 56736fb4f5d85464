"""Proposals: writing, submitting, the collège's review, withdrawing."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from forums import actions as forum_actions
from forums.models import Forum
from intranet import search
from intranet.activity_live import tell_open_homes
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.groups import BOARD_GROUP, system_group
from intranet.markdown import MAX_LENGTH, render_markdown
from intranet.models import College, User
from workflows import notifications, policies
from workflows.actions.common import _complete_step, _locked_proposal, _refuse_if_changed
from workflows.actions.documents import _author_may_upload, _open_folder
from workflows.audit_details import WorkflowAudit
from workflows.models import Decision, Proposal, ProposalStatus, VoteResult
from workflows.proposals.flows import ProposalFlow

TITLE_MAX_LENGTH = 200


SUMMARY_MAX_LENGTH = 500

# Sent inside the withdrawal's transaction (``actor=``, ``proposal=``): the apps built on proposals
# (board meetings and their agendas) connect in their ``ready()`` and change what they hold in the
# same transaction; proposals never import them. A receiver's refusal cancels the withdrawal.
proposal_withdrawn = Signal()


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


def _check_dates_and_links(
    wished_decision_date: date | None, amends: Decision | None, repeals: Decision | None, *, kept: date | None = None
) -> None:
    """A wished date to come (one already kept may stay, past or not), and decisions in force
    (adopted), one either amended or repealed, not both."""
    if (
        wished_decision_date is not None
        and wished_decision_date != kept
        and wished_decision_date < timezone.localdate()
    ):
        raise ActionRefused(_("The wished decision date is already past."), field="wished_decision_date")
    for field, decision in (("amends", amends), ("repeals", repeals)):
        if decision is not None and decision.outcome != VoteResult.ADOPTED:
            raise ActionRefused(_("Only a decision the board adopted can be amended or repealed."), field=field)
    if amends is not None and amends == repeals:
        raise ActionRefused(_("A proposal amends a decision or repeals it, not both."), field="repeals")


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
    _check_dates_and_links(wished_decision_date, amends, repeals)
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
            record(actor, WorkflowAudit.PROPOSAL_CREATED, proposal, college=college.name)
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
        _check_dates_and_links(wished_decision_date, amends, repeals, kept=proposal.wished_decision_date)
        proposal.title, proposal.summary, proposal.body = title, summary, body
        proposal.body_html = render_markdown(body).html
        proposal.budget, proposal.wished_decision_date = budget, wished_decision_date
        proposal.amends, proposal.repeals = amends, repeals
        proposal.revision += 1
        proposal.save()
        record(actor, WorkflowAudit.PROPOSAL_UPDATED, proposal)
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
        record(actor, WorkflowAudit.PROPOSAL_SUBMITTED, proposal, thread=proposal.thread_id)
        notifications.review_waiting(actor, proposal)
        tell_open_homes(proposal.college_id)
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
        record(actor, WorkflowAudit.PROPOSAL_FORWARDED, proposal)
        notifications.proposal_moved(actor, proposal, "forwarded")
        notifications.agenda_waiting(actor, proposal)
        tell_open_homes(proposal.college_id, None)  # the collège's, and the board's
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
        record(actor, WorkflowAudit.PROPOSAL_RETURNED, proposal)
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
        record(actor, WorkflowAudit.PROPOSAL_DECLINED, proposal)
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
        record(actor, WorkflowAudit.PROPOSAL_WITHDRAWN, proposal)
        proposal_withdrawn.send(sender=Proposal, actor=actor, proposal=proposal)
    return proposal
