"""The search page: one box on every page, results grouped by kind, usable without JavaScript."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from intranet import search
from intranet.forms import SearchForm
from intranet.search.sources import sources


@require_GET
def search_page(request):
    kinds = [(kind, source.label) for kind, source in sources().items()]
    form = SearchForm(request.GET or None, kinds=kinds)
    results = None
    if form.is_bound and form.is_valid() and "q" in request.GET:
        data = form.cleaned_data
        results = search.search(request.user, data["q"], form.filters(), page=data["page"] or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search.html",
        {
            "form": form,
            "results": results,
            "labels": dict(kinds),
            "query": query.urlencode(),
            "without_kind": _without(query, "kind"),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _without(query, name: str) -> str:
    query = query.copy()
    query.pop(name, None)
    return query.urlencode()
