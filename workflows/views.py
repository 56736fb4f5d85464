"""Workflow pages: proposals, their review and board votes (the register: ``register_views``)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.selectors import recent_document_names
from intranet import plugins
from intranet import policies as core_policies
from intranet.exceptions import ActionRefused
from intranet.models import College
from workflows import actions, policies, selectors
from workflows.forms import (
    AttachDocumentForm,
    BallotForm,
    OpenVoteForm,
    ProposalForm,
    ReviewForm,
    VoteSettingsForm,
)
from workflows.models import ProposalStatus, VoteSettings
from workflows.proposals.diagram import diagram_for

# --- Proposals -----------------------------------------------------------------------------

PROPOSALS_PER_PAGE = 30


@require_GET
def proposals_index(request):
    proposals = selectors.visible_proposals(request.user).select_related("college", "author").order_by("-updated_at")
    status = request.GET.get("status", "")
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    colleges = [
        college
        for college in College.objects.filter(is_active=True).order_by("position", "name")
        if policies.can_raise_proposal(request.user, college)
    ]
    return render(
        request,
        "workflows/proposals.html",
        {"page": page, "colleges": colleges, "statuses": ProposalStatus.choices, "status": status},
    )


def proposal_create(request, slug: str):
    college = College.objects.filter(slug=slug, is_active=True).first()
    if college is None or not policies.can_raise_proposal(request.user, college):
        raise Http404
    form = ProposalForm(request.POST or None, initial={"creation_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = actions.create_proposal(
                request.user,
                college=college,
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                budget=data["budget"],
                wished_decision_date=data["wished_decision_date"],
                creation_key=data["creation_key"],
                amends=data["amends"],
                repeals=data["repeals"],
            )
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            return redirect("proposals:detail", proposal_id=proposal.pk)
    return render(request, "workflows/proposal_form.html", {"form": form, "college": college, "proposal": None})


def proposal_edit(request, proposal_id: int):
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    if not policies.can_edit_proposal(request.user, proposal):
        raise PermissionDenied
    initial = {
        "title": proposal.title,
        "summary": proposal.summary,
        "body": proposal.body,
        "budget": proposal.budget,
        "wished_decision_date": proposal.wished_decision_date,
        "amends": proposal.amends.number if proposal.amends else None,
        "repeals": proposal.repeals.number if proposal.repeals else None,
        "revision": proposal.revision,
    }
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_proposal(
                request.user,
                proposal=proposal,
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                budget=data["budget"],
                wished_decision_date=data["wished_decision_date"],
                revision=data["revision"] or 0,
                amends=data["amends"],
                repeals=data["repeals"],
            )
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            return redirect("proposals:detail", proposal_id=proposal.pk)
    return render(
        request, "workflows/proposal_form.html", {"form": form, "college": proposal.college, "proposal": proposal}
    )


@require_GET
def proposal_detail(request, proposal_id: int):
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    return _render_proposal(request, proposal)


def _render_proposal(
    request, proposal, *, review_form=None, vote_form=None, ballot_form=None, attach_form=None, status=200
):
    user = request.user
    view = selectors.proposal_view(user, proposal)
    own_ballot = view.own_ballot
    can_attach = policies.can_attach_documents(user, proposal)
    tasks = selectors.proposal_tasks(proposal)  # the diagram's and the current step's, read once
    return render(
        request,
        "workflows/proposal.html",
        {
            "proposal": proposal,
            "view": view,
            "timeline": selectors.timeline(proposal),
            "review_form": review_form or ReviewForm(initial={"revision": proposal.revision}),
            "vote_form": vote_form or OpenVoteForm(),
            "ballot_form": ballot_form
            or BallotForm(initial={"choice": own_ballot.choice, "comment": own_ballot.comment} if own_ballot else None),
            "diagram": diagram_for(tasks),
            "documents": selectors.proposal_documents(user, proposal),
            "can_attach": can_attach,
            "attach_form": attach_form or AttachDocumentForm(),
            "attachable": recent_document_names(user, limit=30) if can_attach else [],
            "step": selectors.current_step(user, tasks),
        },
        status=status,
    )


def _step(request, proposal, run, success: str):
    try:
        run()
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, success)
    return redirect("proposals:detail", proposal_id=proposal.pk)


@require_POST
def proposal_submit(request, proposal_id: int):
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    return _step(
        request,
        proposal,
        lambda: actions.submit_proposal(request.user, proposal=proposal),
        _("Submitted: the collège's coordinators review it, and its discussion is open in the forum."),
    )


@require_POST
def proposal_withdraw(request, proposal_id: int):
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    return _step(
        request, proposal, lambda: actions.withdraw_proposal(request.user, proposal=proposal), _("Proposal withdrawn.")
    )


@require_POST
def proposal_review(request, proposal_id: int):
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    if not core_policies.coordinates_college(request.user, proposal.college_id):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_proposal(request, proposal, review_form=form, status=400)
    decision, text, revision = form.cleaned_data["decision"], form.cleaned_data["text"], form.cleaned_data["revision"]
    act = {
        "forward": lambda: actions.forward_proposal(
            request.user, proposal=proposal, recommendation=text, revision=revision
        ),
        "return": lambda: actions.return_proposal(request.user, proposal=proposal, note=text, revision=revision),
        "decline": lambda: actions.decline_proposal(request.user, proposal=proposal, reason=text, revision=revision),
    }[decision]
    try:
        act()
    except ActionRefused as refusal:
        form.add_error(None, refusal.message)
        proposal.refresh_from_db()
        return _render_proposal(request, proposal, review_form=form, status=409)
    messages.success(request, _("Done: the proposal is now “%(status)s”.") % {"status": _status_label(proposal)})
    return redirect("proposals:detail", proposal_id=proposal.pk)


def _status_label(proposal) -> str:
    proposal.refresh_from_db(fields=["status"])
    return proposal.get_status_display()


@require_POST
def vote_open(request, proposal_id: int):
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    if not policies.can_run_board_votes(request.user):
        raise PermissionDenied
    form = OpenVoteForm(request.POST)
    if form.is_valid():
        try:
            actions.open_board_vote(request.user, proposal=proposal, deadline=form.cleaned_data["deadline"])
        except ActionRefused as refusal:
            form.add_error("deadline" if refusal.field == "deadline" else None, refusal.message)
        else:
            messages.success(request, _("The board vote is open."))
            return redirect("proposals:detail", proposal_id=proposal.pk)
    return _render_proposal(request, proposal, vote_form=form, status=400)


@require_POST
def vote_cast(request, vote_id: int):
    vote = selectors.get_vote_for_user(request.user, vote_id)
    form = BallotForm(request.POST)
    if not form.is_valid():
        return _render_proposal(request, vote.proposal, ballot_form=form, status=400)
    return _step(
        request,
        vote.proposal,
        lambda: actions.cast_ballot(
            request.user, vote=vote, choice=form.cleaned_data["choice"], comment=form.cleaned_data["comment"]
        ),
        _("Your vote is recorded; you may change it until the vote closes."),
    )


@require_POST
def vote_close(request, vote_id: int):
    vote = selectors.get_vote_for_user(request.user, vote_id)
    return _step(
        request, vote.proposal, lambda: actions.close_board_vote(request.user, vote=vote), _("The vote is closed.")
    )


def vote_rules(request):
    """Staff set the board's voting rules; a vote keeps the rules it was opened under."""
    if not core_policies.can_manage_association(request.user):
        raise Http404
    current = VoteSettings.current()
    form = VoteSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        actions.change_vote_rules(request.user, **form.cleaned_data)
        messages.success(request, _("The voting rules are saved; they apply to the votes opened from now on."))
        return redirect("proposals:vote_rules")
    return render(request, "workflows/vote_rules.html", {"form": form}, status=400 if form.is_bound else 200)


# --- Documents of a proposal -----------------------------------------------------------------


@require_POST
def proposal_folder(request, proposal_id: int):
    """Open (making it on first use) the proposal's folder, where the usual upload page adds files."""
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    folder = actions.proposal_folder(request.user, proposal=proposal)
    return redirect("documents:folder", folder_id=folder.pk)


@require_POST
def document_attach(request, proposal_id: int):
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    if not policies.can_attach_documents(request.user, proposal):
        raise PermissionDenied
    form = AttachDocumentForm(request.POST)
    if form.is_valid():
        try:
            document = actions.attach_document(
                request.user, proposal=proposal, document_id=form.cleaned_data["document"]
            )
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("“%(name)s” is attached.") % {"name": document.name})
            return redirect(reverse("proposals:detail", args=[proposal.pk]) + "#documents-title")
    return _render_proposal(request, proposal, attach_form=form, status=400)


@require_POST
def document_detach(request, proposal_id: int, document_id: int):
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    actions.detach_document(request.user, proposal=proposal, document_id=document_id)
    messages.success(request, _("The document is no longer attached; it stays in its folder."))
    return redirect(reverse("proposals:detail", args=[proposal.pk]) + "#documents-title")


# --- "Mes tâches" ----------------------------------------------------------------------------


@require_GET
def tasks(request):
    if not core_policies.is_member(request.user):
        raise Http404
    waiting, ballots = selectors.task_list(request.user)
    panels = plugins.panels_for(plugins.TASKS_PAGE, request.user, None)  # other apps' waiting work
    return render(request, "workflows/tasks.html", {"tasks": waiting, "ballots": ballots, "panels": panels})


def _task_step(request, task_id: int, run, success: str):
    task_id = selectors.get_task_for_user(request.user, task_id)
    try:
        run(request.user, task_id=task_id)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, success)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("proposals:tasks")


@require_POST
def task_claim(request, task_id: int):
    return _task_step(request, task_id, actions.claim_task, _("The task is yours: the others see who handles it."))


@require_POST
def task_release(request, task_id: int):
    return _task_step(request, task_id, actions.release_task, _("The task is offered to the group again."))
