"""The archive's pages: the catalogue, a fonds with its items and history, its inventory."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from intranet.spreadsheets import safe_cell
from workflows.archives import forms, policies, selectors
from workflows.archives.agreement import agreement_response
from workflows.archives.flows import ArchiveFlow
from workflows.archives.models import Fonds
from workflows.proposals.diagram import diagram_of

FONDS_PER_PAGE = 30
QUEUE_ITEMS_PER_PAGE = 100


@require_GET
def catalogue(request):
    form = forms.CatalogueFilterForm(
        request.GET or None,
        territories=selectors.territories(),
        decades=selectors.decades(request.user),
        staff=policies.can_triage(request.user),
    )
    filters = selectors.CatalogueFilters(**form.cleaned_data) if form.is_valid() else selectors.CatalogueFilters()
    page = Paginator(selectors.catalogue(request.user, filters), FONDS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "may_follow_digitisation_queue": policies.can_follow_digitisation_queue(request.user),
    }
    return render(request, "archives/catalogue.html", context)


@require_GET
def digitisation_queue(request):
    return digitisation_queue_page(request)


def digitisation_queue_page(request, *, status: int = 200, posted_form=None):
    """Staff's list of the items to digitise or in progress, each with its state's form;
    ``posted_form`` keeps a refused one with why."""
    form = forms.DigitisationQueueFilterForm(request.GET or None)
    filters = (
        selectors.DigitisationQueueFilters(**form.cleaned_data)
        if form.is_valid()
        else selectors.DigitisationQueueFilters()
    )
    queue = selectors.digitisation_queue(request.user, filters)  # a 404 for anybody but staff
    page = Paginator(queue, QUEUE_ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for row in selectors.queued_items(page):
        state_form = forms.DigitisationForm(initial={"digitisation": row.state}, prefix=f"digitise{row.id}")
        if posted_form is not None and posted_form.prefix == state_form.prefix:
            state_form = posted_form
        rows.append((row, state_form))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "here": request.GET.urlencode()}
    return render(request, "archives/digitisation_queue.html", context, status=status)


@require_GET
def fonds_detail(request, fonds_id: int):
    return fonds_page(request, selectors.get_fonds_for_user(request.user, fonds_id))


def fonds_page(request, fonds: Fonds, *, status: int = 200, **posted_forms):
    """The fonds's page with the forms of the step the reader may take; ``posted_forms`` keep
    what was typed in a refused one."""
    view = selectors.fonds_view(request.user, fonds)
    revision = {"revision": fonds.revision}
    step_forms = {
        "triage_form": forms.TriageForm(initial=revision) if view.may_triage else None,
        "question_form": forms.QuestionForm() if view.may_ask_opinion else None,
        "opinion_form": forms.OpinionForm(initial=revision) if view.may_give_opinion else None,
        "finish_form": forms.FinishAppraisalForm(initial=revision) if view.may_appraise else None,
        "agreement_form": forms.AgreementForm(initial=revision) if view.may_prepare_agreement else None,
        "intake_form": (
            forms.IntakeForm(initial=revision, items=fonds.items.filter(retained=True).order_by("position"))
            if view.may_take_in
            else None
        ),
        "withdraw_form": forms.WithdrawForm() if view.may_withdraw else None,
    }
    appraisal_forms = {}
    if view.may_appraise:
        for item in fonds.items.all():
            initial = {"retained": {True: "yes", False: "no"}.get(item.retained), "damages": item.damages}
            initial |= {"condition_note": item.condition_note, "regional_interest": item.regional_interest}
            initial["subjects"] = item.subjects
            appraisal_forms[item.pk] = forms.AppraisalForm(initial=initial, prefix=f"item{item.pk}")
    posted_appraisal = posted_forms.pop("appraisal_form", None)
    if posted_appraisal is not None:
        appraisal_forms[int(posted_appraisal.prefix.removeprefix("item"))] = posted_appraisal
    digitisation_forms = {}
    if policies.can_follow_digitisation(request.user, fonds):
        for item in fonds.items.filter(retained=True).order_by("position"):
            initial = {"digitisation": item.digitisation}
            digitisation_forms[item.pk] = forms.DigitisationForm(initial=initial, prefix=f"digitise{item.pk}")
    posted_digitisation = posted_forms.pop("digitisation_form", None)
    if posted_digitisation is not None:
        digitisation_forms[int(posted_digitisation.prefix.removeprefix("digitise"))] = posted_digitisation
    step_forms |= posted_forms
    rows = [(row, appraisal_forms.get(row.id)) for row in view.items]
    digitising = [(row, digitisation_forms[row.id]) for row in view.items if row.id in digitisation_forms]
    context = {"view": view, "rows": rows, "digitising": digitising, **step_forms}
    if view.shows_work:  # the process, drawn as the proposals' is, for those who follow it
        context |= {
            "diagram": diagram_of(ArchiveFlow, selectors.fonds_tasks(fonds)),
            "diagram_title": _("The deposit's process"),
            "diagram_stopped": _("The process has stopped: the offer was withdrawn."),
        }
    return render(request, "archives/fonds.html", context, status=status)


@require_GET
def fonds_print(request, fonds_id: int):
    """The inventory an archivist hands to a depositor."""
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    view = selectors.fonds_view(request.user, fonds)
    return render(request, "archives/fonds_print.html", {"view": view, "now": timezone.now()})


@require_GET
def fonds_csv(request, fonds_id: int):
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    view = selectors.fonds_view(request.user, fonds)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(fonds.call_number or fonds.title) or "fonds"
    response["Content-Disposition"] = f'attachment; filename="inventaire-{name}.csv"'
    response.write("\ufeff")  # spreadsheets then read the accents right
    writer = csv.writer(response)
    retained = {True: _("yes"), False: _("no"), None: ""}
    # The page's columns for this reader: what they may not see is not even a heading.
    columns = [
        (_("Line"), lambda row: row.position, True),
        (_("Call number"), lambda row: row.call_number, True),
        (_("Title or subject"), lambda row: row.title, True),
        (_("Subjects"), lambda row: ", ".join(row.subjects), True),
        (_("Author"), lambda row: row.author, True),
        (_("Period"), lambda row: row.period, True),
        (_("Place"), lambda row: row.place, True),
        (_("Format"), lambda row: row.format, True),
        (_("Reels or items"), lambda row: row.count, True),
        (_("Duration (minutes)"), lambda row: row.duration_minutes, True),
        (_("Sound"), lambda row: row.sound, True),
        (_("Retained"), lambda row: retained[row.retained], view.shows_work),
        (_("Storage location"), lambda row: row.location, view.shows_storage),
        (_("Digitisation"), lambda row: row.digitisation, True),
        (_("Condition as declared"), lambda row: row.declared_condition, view.shows_declared_condition),
        (_("Damage found"), lambda row: ", ".join(row.damage_labels), view.shows_appraisal),
        (_("Physical state"), lambda row: row.condition_note, view.shows_appraisal),
        (_("Interest for the region"), lambda row: row.regional_interest, view.shows_appraisal),
    ]
    shown = [(heading, value) for heading, value, visible in columns if visible]
    writer.writerow([heading for heading, _value in shown])
    for row in view.items:
        writer.writerow([safe_cell(value(row)) for _heading, value in shown])
    return response


@require_http_methods(["GET", "POST"])
def agreement_document(request, fonds_id: int):
    """The agreement to print and sign, from the retained items and the rights: those chosen in
    the step's form (posted, before they are recorded), else those recorded. Not stored: the
    signed copy is what counts."""
    fonds = selectors.get_fonds_for_user(request.user, fonds_id)
    if not policies.can_write_agreement(request.user, fonds):
        raise PermissionDenied
    form = forms.AgreementForm(request.POST or None)
    transfer, uses = (form.cleaned_data["transfer"], form.cleaned_data["uses"]) if form.is_valid() else ("", [])
    return agreement_response(fonds, transfer=transfer, uses=uses)
