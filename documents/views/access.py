"""Who may open a folder or a document: the access page, grants and revocations."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import actions, policies, selectors, who_has_access
from documents.forms import GrantForm
from documents.models import AccessLevel, Folder
from intranet.exceptions import ActionRefused
from intranet.models import Profile, User
from intranet.policies import visible_contact

PEOPLE_PER_PAGE = 100
SUGGESTIONS_CACHE_SECONDS = 300


def folder_access(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    if not policies.can_see_effective_access(request.user, folder):
        raise PermissionDenied
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.grant_folder_access(
                request.user,
                folder=folder,
                level=form.cleaned_data["level"],
                user=form.cleaned_data["user"],
                group=form.cleaned_data["group_object"],
            )
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("Access granted."))
            return redirect("documents:folder_access", folder_id=folder.pk)
    return _render_access(request, folder, form)


def document_access(request, document_id: int):
    document = selectors.get_document_for_user(request.user, document_id)
    if not policies.can_see_effective_access(request.user, document.folder):
        raise PermissionDenied
    return _render_access(request, document.folder, GrantForm(), document=document)


def _render_access(request, folder: Folder, form: GrantForm, *, document=None):
    report = who_has_access.access_report(request.user, folder)
    people = Paginator(report.people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    profiles = {
        profile.user_id: profile
        for profile in Profile.objects.select_related("user").filter(user_id__in=[entry.person.pk for entry in people])
    }
    said: dict[tuple, str] = {}  # hundreds of people share a handful of reasons: each is worded once
    # Each person with the e-mail the viewer may see and why they have access, in words.
    rows = [
        (entry, _contact(request.user, profiles.get(entry.person.pk)), [_reason_text(r, said) for r in entry.reasons])
        for entry in people
    ]
    return render(
        request,
        "documents/access.html",
        {
            "folder": folder,
            "document": document,
            "crumbs": selectors.breadcrumbs(request.user, folder),
            "report": report,
            "people": people,
            "rows": rows,
            "form": form,
            "suggestions": _people_suggestions(),
            "levels": AccessLevel,
        },
        status=400 if form.is_bound else 200,
    )


def _contact(viewer, profile: Profile | None) -> str:
    return visible_contact(viewer, profile).get("email", "") if profile is not None else ""


def _reason_text(reason: who_has_access.ReasonShown, said: dict) -> str:
    """Why someone can see the folder, in a sentence ("view and upload: through the group …")."""
    key = (
        reason.level,
        reason.staff,
        reason.group.pk if reason.group else None,
        reason.folder.pk if reason.folder else None,
        reason.here,
    )
    if key in said:
        return said[key]
    if reason.staff:
        why = _("staff manage every space")
    else:
        how = (
            _("through the group %(group)s") % {"group": reason.group.label}
            if reason.group is not None
            else _("granted to the person")
        )
        if reason.here:
            where = _("on this folder")
        elif reason.folder is not None:
            where = _("inherited from “%(name)s”") % {"name": reason.folder.display_name}
        else:
            where = _("inherited from a folder above that you may not open")
        why = f"{how}, {where}"
    said[key] = format_html("<strong>{}</strong>: {}", reason.level_label, why)
    return said[key]


def _people_suggestions() -> str:
    """Every active member as a datalist option ("Name (@handle)"): the browser filters them as
    one types, without a script. Kept a few minutes in the cache (a new or departed member
    changes the key at once; a renamed one shows on expiry): thousands of options cost more to
    build than the rest of the page."""
    people = User.objects.filter(is_active=True)
    shape = people.aggregate(count=Count("pk"), last=Max("pk"))
    key = f"documents:people-suggestions:{shape['count']}:{shape['last']}"
    options = cache.get(key)
    if options is None:
        rows = people.order_by("last_name", "first_name").values_list("first_name", "last_name", "handle")
        options = "".join(
            f'<option value="{escape(f"{first} {last} (@{handle})".strip())}"></option>' for first, last, handle in rows
        )
        cache.set(key, options, SUGGESTIONS_CACHE_SECONDS)
    return mark_safe(options)  # noqa: S308 - every value is escaped


@require_POST
def folder_revoke(request, folder_id: int):
    folder = selectors.get_folder_for_user(request.user, folder_id)
    if not policies.can_manage_folder(request.user, folder):
        raise PermissionDenied
    kind, principal_id = request.POST.get("kind"), request.POST.get("id", "")
    if kind not in {"user", "group"} or not principal_id.isdigit():
        raise Http404
    from django.contrib.auth.models import Group

    principal = get_object_or_404(User if kind == "user" else Group, pk=int(principal_id))
    try:
        actions.revoke_folder_access(
            request.user, folder=folder, **({"user": principal} if kind == "user" else {"group": principal})
        )
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Access revoked."))
    return redirect("documents:folder_access", folder_id=folder.pk)
