"""Staff screens: collèges, memberships, board roles, accounts, invitations and the audit log.

Members who are not staff get the same 404 as for a page that does not exist.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet import actions, policies, selectors
from intranet.audit import action_label, actor_label, describe_details, target_label
from intranet.exceptions import ActionRefused
from intranet.forms import (
    AddMemberForm,
    AuditFilterForm,
    BoardRoleForm,
    CollegeForm,
    CollegeRoleForm,
    InvitationForm,
    MemberSearchForm,
)
from intranet.models import College

AUDIT_PAGE_SIZE = 50
MEMBERS_PAGE_SIZE = 50


def staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not policies.can_manage_association(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _refused(request, refusal: ActionRefused, form=None):
    if form is not None:
        refusal.add_to(form)
    else:
        messages.error(request, refusal.message)


@staff_only
def dashboard(request):
    recent_entries = list(selectors.audit_entries(selectors.AuditFilters())[:8])
    for entry in recent_entries:
        entry.action_label = action_label(entry.action)
        entry.target_display = target_label(entry)
    return render(
        request,
        "staff/dashboard.html",
        {
            "colleges": College.objects.all(),
            "pending_invitations": selectors.pending_invitations().count(),
            "active_members": selectors.active_member_count(),
            "recent_entries": recent_entries,
        },
    )


@staff_only
def college_create(request):
    form = CollegeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            college = actions.create_college(
                request.user,
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                description=form.cleaned_data["description"],
                position=form.cleaned_data["position"] or 0,
            )
        except ActionRefused as refusal:
            _refused(request, refusal, form)
        else:
            messages.success(request, _("The collège “%(name)s” has been created.") % {"name": college.name})
            return redirect("staff_college", slug=college.slug)
    return render(request, "staff/college_form.html", {"form": form})


@staff_only
def college_manage(request, slug: str):
    college = selectors.get_college_for_staff(slug)
    form = CollegeForm(request.POST or None, instance=college)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_college(
                request.user,
                college=college,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                position=form.cleaned_data["position"] or 0,
                is_active=form.cleaned_data["is_active"],
            )
        except ActionRefused as refusal:
            _refused(request, refusal, form)
        else:
            messages.success(request, _("The collège has been saved."))
            return redirect("staff_college", slug=college.slug)
    member_ids = [membership.user_id for membership in college.active_memberships]
    add_form = AddMemberForm()
    add_form.fields["user"].queryset = add_form.fields["user"].queryset.exclude(pk__in=member_ids)
    return render(
        request,
        "staff/college_manage.html",
        {"college": college, "form": form, "add_form": add_form, "role_form": CollegeRoleForm()},
    )


@staff_only
@require_POST
def college_add_member(request, slug: str):
    college = selectors.get_college_for_staff(slug)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            actions.add_college_member(
                request.user, college=college, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
            )
        except ActionRefused as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("%(person)s has joined the collège.") % {"person": form.cleaned_data["user"]})
    else:
        messages.error(request, _("Choose a member and a role."))
    return redirect("staff_college", slug=college.slug)


@staff_only
@require_POST
def college_change_role(request, slug: str, membership_id: int):
    membership = selectors.get_membership_for_staff(slug, membership_id)
    form = CollegeRoleForm(request.POST)
    if form.is_valid():
        actions.change_college_role(request.user, membership=membership, role=form.cleaned_data["role"])
        messages.success(request, _("The role of %(person)s has been changed.") % {"person": membership.user})
    else:
        messages.error(request, _("Unknown role."))
    return redirect("staff_college", slug=slug)


@staff_only
@require_POST
def college_remove_member(request, slug: str, membership_id: int):
    membership = selectors.get_membership_for_staff(slug, membership_id)
    actions.remove_college_member(request.user, membership=membership)
    messages.success(request, _("%(person)s has left the collège.") % {"person": membership.user})
    return redirect("staff_college", slug=slug)


@staff_only
def board(request):
    form = BoardRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.set_board_role(request.user, user=form.cleaned_data["user"], role=form.cleaned_data["role"])
        messages.success(request, _("The board has been updated."))
        return redirect("staff_board")
    return render(request, "staff/board.html", {"form": form, "board": selectors.board_memberships()})


@staff_only
@require_POST
def board_remove(request, user_id: int):
    member = selectors.get_member_for_staff(user_id)
    actions.remove_from_board(request.user, user=member)
    messages.success(request, _("%(person)s is no longer on the board.") % {"person": member})
    return redirect("staff_board")


@staff_only
def members(request):
    form = MemberSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    page = Paginator(selectors.staff_members(text), MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/members.html",
        {"page": page, "text": text, "members_query": urlencode({"q": text}) if text else ""},
    )


@staff_only
@require_POST
def member_account(request, user_id: int):
    """Deactivate, reactivate, grant or revoke staff rights, as the button pressed says."""
    member = selectors.get_member_for_staff(user_id)
    operation = request.POST.get("operation")
    operations = {
        "deactivate": (
            lambda: actions.deactivate_member(request.user, user=member),
            _("%(person)s can no longer log in."),
        ),
        "reactivate": (lambda: actions.reactivate_member(request.user, user=member), _("%(person)s can log in again.")),
        "grant_staff": (
            lambda: actions.set_staff_status(request.user, user=member, is_staff=True),
            _("%(person)s is now staff."),
        ),
        "revoke_staff": (
            lambda: actions.set_staff_status(request.user, user=member, is_staff=False),
            _("%(person)s is no longer staff."),
        ),
    }
    if operation not in operations:
        messages.error(request, _("Unknown operation."))
    else:
        perform, success = operations[operation]
        try:
            perform()
        except ActionRefused as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, success % {"person": member})
    return redirect("staff_members")


@staff_only
def invitations(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = actions.invite_member(request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            _refused(request, refusal, form)
        else:
            messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email})
            return redirect("staff_invitations")
    return render(
        request,
        "staff/invitations.html",
        {"form": form, "invitations": selectors.invitations_for_staff()[:200]},
    )


@staff_only
@require_POST
def invitation_update(request, invitation_id: int):
    invitation = selectors.get_invitation_for_staff(invitation_id)
    try:
        if request.POST.get("operation") == "revoke":
            actions.revoke_invitation(request.user, invitation=invitation)
            messages.success(request, _("The invitation to %(email)s has been revoked.") % {"email": invitation.email})
        else:
            actions.resend_invitation(request.user, invitation=invitation)
            messages.success(request, _("A new invitation has been sent to %(email)s.") % {"email": invitation.email})
    except ActionRefused as refusal:
        _refused(request, refusal)
    return redirect("staff_invitations")


@staff_only
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else selectors.AuditFilters()
    if form.is_bound and form.errors:
        messages.warning(request, _("Some filters were not understood and have been ignored."))
    page = Paginator(selectors.audit_entries(filters), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.action_label = action_label(entry.action)
        entry.target_display = target_label(entry)
        entry.detail_lines = describe_details(entry.details, entry.action)
        entry.actor_display = actor_label(entry)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "staff/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
