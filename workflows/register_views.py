"""The decision register's pages: the list with its filters, its print and spreadsheet
versions, and one decision."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from intranet import plugins
from intranet.spreadsheets import safe_cell
from workflows import selectors
from workflows.forms import RegisterFilterForm

DECISIONS_PER_PAGE = 50


def _filtered(request):
    form = RegisterFilterForm(request.GET or None, years=selectors.register_years())
    filters = form.cleaned_data if form.is_valid() else {}
    decisions = selectors.register(
        request.user,
        year=filters.get("year"),
        college=filters.get("college", ""),
        outcome=filters.get("outcome", ""),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return form, decisions, query.urlencode()


@require_GET
def register(request):
    form, decisions, query = _filtered(request)
    page = Paginator(decisions, DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": query,
        "panels": plugins.panels_for(plugins.REGISTER_PAGE, request.user, None),
    }
    return render(request, "workflows/register.html", context)


@require_GET
def register_print(request):
    form, decisions, _query = _filtered(request)
    return render(
        request, "workflows/register_print.html", {"form": form, "decisions": decisions, "now": timezone.now()}
    )


@require_GET
def register_csv(request):
    _form, decisions, _query = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registre-des-deliberations.csv"'
    response.write("\ufeff")  # spreadsheets then read the accents right
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Number"), _("Date"), _("Title"), _("Collège"), _("Outcome"), _("For"), _("Against"),
            _("Abstentions"), _("Quorum reached"), _("Amends"), _("Repeals"), _("Link"),
        ]
    )  # fmt: skip
    for decision in decisions:
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    decision.number,
                    timezone.localtime(decision.decided_at).date().isoformat(),
                    decision.title,
                    decision.proposal.college.name,
                    decision.get_outcome_display(),
                    decision.votes_for,
                    decision.votes_against,
                    decision.abstentions,
                    _("yes") if decision.quorum_reached else _("no"),
                    decision.amends.number if decision.amends else "",
                    decision.repeals.number if decision.repeals else "",
                    request.build_absolute_uri(reverse("workflows:decision", args=[decision.number])),
                )
            ]
        )
    return response


@require_GET
def decision_detail(request, number: str):
    decision = selectors.get_decision_for_user(request.user, number)
    return render(
        request,
        "workflows/decision.html",
        {
            "decision": decision,
            "amended_by": list(decision.amended_by.all()),
            "repealed_by": list(decision.repealed_by.all()),
            "documents": selectors.proposal_documents(request.user, decision.proposal),
            "discussion": selectors.discussion_for(request.user, decision.proposal),
            "panels": plugins.panels_for(plugins.DECISION_PAGE, request.user, decision),
        },
    )
