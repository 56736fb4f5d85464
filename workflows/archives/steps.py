"""The archive's process, step by step: each form posts here, the action decides, and a refusal
shows the fonds's page again with what was typed and why."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from documents.uploads import IncomingUploadHandler
from intranet.exceptions import ActionRefused
from workflows.archives import actions, files, forms, policies, selectors
from workflows.archives.models import Fonds, FondsStatus, Item, Transfer
from workflows.archives.views import digitisation_queue_page, fonds_page

ITEMS_PREFIX = "items"


def offer_new(request):
    if not policies.can_record_offer(request.user):
        raise PermissionDenied
    for_someone_else = policies.can_record_offer_for_others(request.user)
    data = request.POST or None
    if data is not None and "more_lines" in data:
        # No script needed: the same form again, as typed, with five more empty lines.
        form, items = forms.offer_as_typed(data, prefix=ITEMS_PREFIX, more=5, for_someone_else=for_someone_else)
        return render(request, "archives/offer_form.html", {"form": form, "items": items})
    form = forms.OfferForm(data, for_someone_else=for_someone_else)
    items = forms.ItemFormSet(data, prefix=ITEMS_PREFIX)
    if request.method == "POST" and form.is_valid() and items.is_valid():
        data = form.cleaned_data
        drafts = [draft for draft in (item.draft() for item in items) if draft is not None]
        try:
            fonds = actions.record_offer(
                request.user,
                title=data["title"],
                description=data["description"],
                items=drafts,
                depositor=None if for_someone_else else request.user,
                depositor_name=data.get("depositor_name", ""),
                depositor_contact=data.get("depositor_contact", ""),
            )
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("Your offer is recorded: the archive's staff will get back to you."))
            return redirect("archives:fonds", fonds_id=fonds.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "archives/offer_form.html", {"form": form, "items": items}, status=status)


def _fonds_page(request, fonds: Fonds, *, status: int, **step_forms):
    fonds.refresh_from_db()
    return fonds_page(request, fonds, status=status, **step_forms)


def _refused(request, fonds: Fonds, *, still_open: bool):
    """A step the person may not take: not theirs (403) while the fonds is at it (``still_open``,
    from the policy's ``at_…``); else already taken, or the fonds moved on since their page was
    shown: said on the fonds's page as it stands (409), as a stale revision is."""
    if still_open:
        raise PermissionDenied
    messages.error(
        request,
        _("This step is not open at this stage of the fonds (now: %(status)s); its page shows where it stands.")
        % {"status": fonds.get_status_display()},
    )
    return _fonds_page(request, fonds, status=409)


def _run(request, fonds: Fonds, form, name: str, act: Callable[[dict], str]):
    """Validate ``form``, run ``act(data)``, which says the step taken; a refusal keeps the form
    and says why (409)."""
    if not form.is_valid():
        return _fonds_page(request, fonds, status=400, **{name: form})
    try:
        done = act(form.cleaned_data)
    except ActionRefused as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return _fonds_page(request, fonds, status=409, **{name: form})
    messages.success(request, done)
    return redirect("archives:fonds", fonds_id=fonds.pk)


@require_POST
def triage(request, fonds_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    if not policies.can_triage(request.user):
        raise PermissionDenied

    def act(data) -> str:
        if data["decision"] == "assign":
            archivist = data["archivist"]
            if archivist is None:
                raise ActionRefused(_("Choose the archivist."), field="archivist")
            actions.assign_archivist(request.user, fonds=fonds, archivist=archivist, revision=data["revision"])
            return _("The offer is accepted for appraisal: %(archivist)s is its archivist.") % {"archivist": archivist}
        actions.decline_offer(request.user, fonds=fonds, reason=data["reason"], revision=data["revision"])
        return _("The offer is declined, with the reason the depositor will read.")

    return _run(request, fonds, forms.TriageForm(request.POST), "triage_form", act)


@require_POST
def appraise(request, fonds_id: int, item_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    if not policies.can_appraise(request.user, fonds):  # before the item: no telling which lines exist
        return _refused(request, fonds, still_open=policies.at_appraisal(fonds))
    item = get_object_or_404(Item, pk=item_id, fonds=fonds)

    def act(data) -> str:
        actions.appraise_item(request.user, item=item, **data)
        return _("The appraisal of “%(item)s” is recorded.") % {"item": item.title}

    return _run(request, fonds, forms.AppraisalForm(request.POST, prefix=f"item{item.pk}"), "appraisal_form", act)


@require_POST
def ask_opinion(request, fonds_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    if not policies.can_appraise(request.user, fonds):
        return _refused(request, fonds, still_open=policies.at_appraisal(fonds))

    def act(data) -> str:
        actions.ask_opinion(request.user, fonds=fonds, question=data["question"])
        return _("The collège Patrimoine's opinion is asked: a thread is open in its forum.")

    return _run(request, fonds, forms.QuestionForm(request.POST), "question_form", act)


@require_POST
def give_opinion(request, fonds_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    if not policies.can_give_opinion(request.user, fonds):
        return _refused(request, fonds, still_open=policies.at_opinion(fonds))

    def act(data) -> str:
        actions.give_opinion(request.user, fonds=fonds, **data)
        return _("The collège's opinion is recorded on the fonds; the archivist is notified.")

    return _run(request, fonds, forms.OpinionForm(request.POST), "opinion_form", act)


@require_POST
def finish_appraisal(request, fonds_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    if not policies.can_appraise(request.user, fonds):
        return _refused(request, fonds, still_open=policies.at_appraisal(fonds))

    def act(data) -> str:
        finished = actions.finish_appraisal(request.user, fonds=fonds, **data)
        if finished.status == FondsStatus.NOT_RETAINED:
            return _("The appraisal is finished: no item is retained, the offer ends here.")
        return _("The appraisal is finished: on to the rights and the agreement.")

    return _run(request, fonds, forms.FinishAppraisalForm(request.POST), "finish_form", act)


@require_POST
def agreement(request, fonds_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    if not policies.can_prepare_agreement(request.user, fonds):
        return _refused(request, fonds, still_open=policies.at_agreement(fonds))

    def act(data) -> str:
        recorded = actions.record_agreement(request.user, fonds=fonds, **data)
        if recorded.transfer == Transfer.GIFT:
            return _("The deed of gift is recorded: on to the intake.")
        return _("The deposit agreement is recorded: on to the intake.")

    return _run(request, fonds, forms.AgreementForm(request.POST), "agreement_form", act)


@csrf_exempt  # checked once the upload handler is in place, as the documents' uploads are
@require_POST
def signed_agreement(request, fonds_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    request.upload_handlers = [IncomingUploadHandler(request)]
    return _keep_signed_agreement(request, fonds)


@csrf_protect
def _keep_signed_agreement(request, fonds: Fonds):
    handler = request.upload_handlers[0]
    received = request.FILES.getlist("signed")
    if not policies.can_write_agreement(request.user, fonds):
        raise PermissionDenied  # the received file is removed when Django closes it
    if not received:
        missing = _("Choose the file of the signed agreement.")
        messages.error(request, handler.refused[0] if handler.refused else missing)
        return _fonds_page(request, fonds, status=400)
    try:
        document = files.attach_signed_agreement(request.user, fonds=fonds, incoming=received[0])
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return _fonds_page(request, fonds, status=400)
    messages.success(request, _("The signed agreement “%(name)s” is kept with the fonds.") % {"name": document.name})
    return redirect("archives:fonds", fonds_id=fonds.pk)


@require_POST
def intake(request, fonds_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    if not policies.can_take_in(request.user, fonds):
        return _refused(request, fonds, still_open=policies.at_intake(fonds))
    form = forms.IntakeForm(request.POST, items=fonds.items.filter(retained=True).order_by("position"))

    def act(data) -> str:
        typed = form.call_numbers()
        placements = [
            actions.Placement(item_id, location, typed.get(item_id, ""))
            for item_id, location in form.locations().items()
        ]
        taken_in = actions.take_in(request.user, fonds=fonds, placements=placements, revision=data["revision"])
        return _("The fonds is taken in and catalogued under the call number %(number)s.") % {
            "number": taken_in.call_number
        }

    return _run(request, fonds, form, "intake_form", act)


@require_POST
def withdraw(request, fonds_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    if not policies.can_withdraw(request.user, fonds):
        return _refused(request, fonds, still_open=policies.still_open(fonds))

    def act(data) -> str:
        actions.withdraw_offer(request.user, fonds=fonds, reason=data["reason"])
        return _("The offer is withdrawn.")

    return _run(request, fonds, forms.WithdrawForm(request.POST), "withdraw_form", act)


@require_POST
def digitisation(request, fonds_id: int, item_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    if not policies.can_follow_digitisation(request.user, fonds):
        return _refused(request, fonds, still_open=policies.at_digitisation(fonds))
    item = get_object_or_404(Item, pk=item_id, fonds=fonds, retained=True)  # only retained items are digitised

    def act(data) -> str:
        moved = actions.set_digitisation(request.user, item=item, state=data["digitisation"])
        return _("%(item)s: %(state)s.") % {
            "item": moved.call_number or moved.title,
            "state": moved.get_digitisation_display(),
        }

    form = forms.DigitisationForm(request.POST, prefix=f"digitise{item.pk}")
    return _run(request, fonds, form, "digitisation_form", act)


@require_POST
def digitisation_from_queue(request, item_id: int):
    """The same state form and action as on the fonds's page, back to the queue as it was
    filtered (its filters ride along in the form's address)."""
    item = selectors.get_queued_item_for_user(request.user, item_id)
    if not policies.can_follow_digitisation(request.user, item.fonds):
        raise PermissionDenied
    form = forms.DigitisationForm(request.POST, prefix=f"digitise{item.pk}")
    name = item.call_number or item.title
    status = 400
    if form.is_valid():
        try:
            item = actions.set_digitisation(request.user, item=item, state=form.cleaned_data["digitisation"])
        except ActionRefused as refusal:
            form.add_error("digitisation", refusal.message)
            status = 409
    if form.errors:  # said at the top too: the item may not be on the page shown
        problem = " ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, _("%(item)s was not changed: %(problem)s") % {"item": name, "problem": problem})
        return digitisation_queue_page(request, status=status, posted_form=form)
    messages.success(request, _("%(item)s: %(state)s.") % {"item": name, "state": item.get_digitisation_display()})
    query = request.GET.urlencode()
    return redirect(reverse("archives:digitisation_queue") + (f"?{query}" if query else ""))
