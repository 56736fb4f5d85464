"""The pages every member uses: collèges, the directory and their own profile."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from intranet import actions, plugins, policies, selectors
from intranet.charts import territory_college_chart
from intranet.forms import DirectoryFilterForm, ProfileForm
from intranet.selectors import DirectoryFilters

DIRECTORY_PAGE_SIZE = 24


def college_detail(request, slug: str):
    college = selectors.get_college_for_user(request.user, slug)
    panels = plugins.panels_for(plugins.COLLEGE_PAGE, request.user, college)  # its forum, for its members
    return render(
        request,
        "intranet/college_detail.html",
        {"college": college, "panels": panels, "live_since": panels.live_since},
    )


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else DirectoryFilters()
    if form.is_bound and form.errors:
        messages.warning(request, _("Some filters were not understood and have been ignored."))
    members = selectors.directory_members(request.user, filters)
    page = Paginator(members, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/directory.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "chart": territory_college_chart(*selectors.members_by_territory_and_college()),
            "skills": selectors.skills_in_use(),
        },
    )


def member_detail(request, member_id: int):
    member = selectors.get_member_for_user(request.user, member_id)
    return render(
        request,
        "directory/member_detail.html",
        {
            "member": member,
            "contact": policies.visible_contact(request.user, member.profile),
            "can_edit": policies.can_edit_profile(request.user, member.profile),
        },
    )


def edit_profile(request):
    profile = request.user.profile
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        actions.update_profile(request.user, profile=profile, skills=data.pop("skills_text"), **data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("member_detail", member_id=request.user.pk)
    return render(request, "directory/profile_form.html", {"form": form})
