"""The meetings' calendars: one meeting's ``.ics``, and each board member's personal feed of the
meetings they are convened to (a signed, revocable address that calendar applications read)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workflows.meetings import actions, calendar, policies, selectors
from workflows.meetings.models import CalendarFeed


def calendar_feed_path(feed: CalendarFeed) -> str:
    return reverse("meetings:feed", args=[calendar.feed_token(feed)])


@require_GET
def meeting_ics(request, meeting_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    content = calendar.calendar_of([meeting], name=_("Board meetings"))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="seance-{meeting.starts_at:%Y-%m-%d}.ics"'
    return response


@login_not_required  # calendar applications cannot sign in: the signed address is the key
@require_GET
def feed(request, token: str):
    owner = calendar.feed_owner(token)
    if owner is None:
        raise Http404
    meetings = selectors.convened_meetings_of(owner.user)
    content = calendar.calendar_of(meetings, name=_("Board meetings"))
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


@require_POST
def feed_renew(request):
    if not policies.can_see_meetings(request.user):
        raise Http404
    actions.renew_calendar_feed(request.user)
    messages.success(request, _("Your calendar has a new address: the old one no longer works."))
    return redirect("meetings:list")
