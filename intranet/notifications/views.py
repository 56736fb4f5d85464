"""The notifications pages: the list (read, mark read), the e-mail preferences, and the
unsubscribe link that works without logging in."""

from __future__ import annotations

from datetime import time as time_of_day

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from intranet import policies
from intranet.exceptions import ActionRefused
from intranet.notifications import actions, emails, selectors
from intranet.notifications.forms import PreferencesForm
from intranet.notifications.kinds import kind_named


def _require_member(request) -> None:
    if not policies.is_member(request.user):
        raise Http404


def notification_list(request):
    _require_member(request)
    unread_only = request.GET.get("non-lues") == "1"
    page, rows = selectors.notifications_page(request.user, page=request.GET.get("page"), unread_only=unread_only)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "rows": rows, "unread_only": unread_only, "unread": selectors.unread_count(request.user)},
    )


def unread_count(request):
    _require_member(request)
    return JsonResponse({"unread": selectors.unread_count(request.user)})


def notification_open(request, notification_id: int):
    """Following a notification marks it read, then leads to its target if it is still visible."""
    _require_member(request)
    notification, url = selectors.get_notification_target_for_user(request.user, notification_id)
    actions.mark_read(request.user, notification_ids=[notification.pk])
    if not url:
        raise Http404
    return HttpResponseRedirect(url)


@require_POST
def notification_mark_read(request, notification_id: int):
    _require_member(request)
    notification, _url = selectors.get_notification_target_for_user(request.user, notification_id)
    actions.mark_read(request.user, notification_ids=[notification.pk])
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse({"unread": selectors.unread_count(request.user)})
    return redirect("notifications:list")


@require_POST
def notification_mark_all_read(request):
    _require_member(request)
    marked = actions.mark_all_read(request.user)
    if marked:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:list")


def preferences(request):
    _require_member(request)
    form = PreferencesForm(request.POST or None, initial_choices=selectors.preferences_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_preferences(request.user, choices=form.cleaned_data)
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("Your e-mail preferences are saved."))
            return redirect("notifications:preferences")
    context = {"form": form, "digest_time": time_of_day(settings.NOTIFICATIONS_DIGEST_HOUR)}
    return render(request, "notifications/preferences.html", context, status=400 if form.errors else 200)


@login_not_required
@csrf_exempt  # the signed link is the credential; mail programs post to it (RFC 8058) without a form
def unsubscribe(request, token: str):
    """GET shows what the link stops and a button (link checkers follow GET links); POST stops it."""
    try:
        _user_id, scope = emails.read_unsubscribe_token(token)
    except emails.BadLink as bad:
        return render(request, "notifications/unsubscribe.html", {"problem": str(bad)}, status=400)
    label = _("the daily summary") if scope == emails.DIGEST_SCOPE else kind_named(scope).label
    if request.method == "POST":
        try:
            actions.unsubscribe(token=token)
        except emails.BadLink as bad:
            return render(request, "notifications/unsubscribe.html", {"problem": str(bad)}, status=400)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})
