"""The board meetings' pages: the list, a meeting with its agenda, attendance and quorum, and
the forms of whoever may act; a refusal shows the page again with the reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.exceptions import ActionRefused
from workflows.meetings import actions, forms, holding, minutes, policies, rules, selectors, statutes
from workflows.meetings.calendar_views import calendar_feed_path
from workflows.meetings.minutes_text import first_draft, minutes_odt
from workflows.meetings.models import AgendaItem, CalendarFeed, ItemKind, MeetingSettings, Minutes
from workflows.models import Proposal


@require_GET
def meeting_list(request):
    if not policies.can_see_meetings(request.user):
        raise Http404
    upcoming, past = selectors.meetings_for(request.user)
    plan_form = forms.PlanForm() if policies.can_run_meetings(request.user) else None
    return _list_page(request, upcoming, past, plan_form)


def _list_page(request, upcoming, past, plan_form, status=200):
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    feed_url = request.build_absolute_uri(calendar_feed_path(feed))
    context = {"upcoming": upcoming, "past": past, "plan_form": plan_form, "feed_url": feed_url}
    return render(request, "meetings/list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def meeting_rules(request):
    """Staff set the statutes' rules of the meetings; a convened meeting keeps those it was convened under."""
    if not policies.can_set_meeting_rules(request.user):
        raise Http404
    form = forms.RulesForm(request.POST or None, instance=MeetingSettings.current())
    if request.method == "POST" and form.is_valid():
        try:
            statutes.change_meeting_rules(request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            saved = _("The meeting rules are saved; they apply to the meetings convened from now on.")
            messages.success(request, saved)
            return redirect("meetings:rules")
    return render(request, "meetings/rules.html", {"form": form}, status=400 if form.is_bound else 200)


@require_POST
def meeting_new(request):
    if not policies.can_see_meetings(request.user):
        raise Http404
    if not policies.can_run_meetings(request.user):
        raise PermissionDenied
    form = forms.PlanForm(request.POST)
    if form.is_valid():
        try:
            meeting = actions.plan_meeting(request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("The meeting is planned: now build its agenda."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    upcoming, past = selectors.meetings_for(request.user)
    return _list_page(request, upcoming, past, form, status=400)


@require_GET
def meeting_detail(request, meeting_id: int):
    return _detail_page(request, selectors.get_meeting_for_user(request.user, meeting_id))


def _detail_page(request, meeting, *, status=200, **posted):
    view = selectors.meeting_view(request.user, meeting)
    board = [row.member for row in view.rows]
    mine = view.mine
    voted_item = posted.pop("voted_item", None)
    context = {
        "view": view,
        # Each item not voted yet has its forms while the meeting is held: counts, or a roll call;
        # an item voted by roll call names each voter with their choice.
        "agenda": [
            (
                item,
                view.title_of(item),
                _may_swap(view.items, index, index - 1),
                _may_swap(view.items, index, index + 1),
                _posted_or_new(
                    posted,
                    "vote_form",
                    voted_item == item.pk,
                    lambda item=item: forms.VoteForm(prefix=f"vote{item.pk}"),
                )
                if view.may_hold and view.from_roll_call and _to_vote(item)
                else None,
                _posted_or_new(
                    posted,
                    "roll_form",
                    voted_item == item.pk,
                    lambda item=item: forms.RollCallForm(prefix=f"roll{item.pk}", voters=view.room_voters),
                )
                if view.may_hold and view.room_voters and _to_vote(item) and item.kind == ItemKind.PROPOSAL
                else None,
                view.roll_calls.get(item.pk, []),
                # Until the roll call, the sentence the vote would be refused with stands in its place.
                view.may_hold and not view.from_roll_call and _to_vote(item),
            )
            for index, item in enumerate(view.items)
        ],
        "item_form": forms.FreeItemForm() if view.may_edit_agenda else None,
        "convene_form": forms.ConveneForm(initial={"revision": meeting.revision}) if view.may_convene else None,
        "answer_form": (
            forms.AnswerForm(
                initial={"answer": mine.answer, "proxy_to": mine.proxy_to_id} if mine else {},
                choices=view.proxy_choices,
            )
            if view.may_answer
            else None
        ),
        "presence_form": (
            forms.PresenceForm(
                initial={"present": [str(row.member.pk) for row in view.rows if row.present_in_room]}, board=board
            )
            if view.may_record_presence
            else None
        ),
        "minutes_form": _minutes_form(view) if view.may_write_minutes else None,
    }
    context |= posted
    return render(request, "meetings/detail.html", context, status=status)


def _posted_or_new(posted: dict, name: str, this_item: bool, new):
    """The form as posted (with its errors) for the item it was posted for, else a new one."""
    return posted.pop(name) if this_item and name in posted else new()


def _may_swap(items: list[AgendaItem], index: int, other: int) -> bool:
    """The moves ``actions.move_item`` accepts, offered as buttons."""
    return 0 <= other < len(items) and rules.may_swap(items[index].kind, items[other].kind)


def _to_vote(item: AgendaItem) -> bool:
    return not holding.why_not_to_vote(item)


def _minutes_form(view) -> forms.MinutesForm:
    written = view.minutes
    initial = (
        {"text": written.text, "public_to_members": written.public_to_members, "revision": written.revision}
        if written
        # Revision 0: nothing saved yet, so a first save from a page opened before someone else's is refused.
        else {"text": first_draft(view.meeting), "revision": 0}
    )
    return forms.MinutesForm(initial=initial)


def _act(request, meeting, form, name: str, act, done: str, *, form_gone=None, **shown):
    """``form_gone()`` says, after a refusal or bad input, why the page no longer shows the form
    (an item already voted has no vote form), or nothing: then the reason goes above the page."""
    if not form.is_valid():
        gone_because = form_gone() if form_gone is not None else ""
        if gone_because:  # its errors would be in a form the page no longer shows
            messages.error(request, gone_because)
            return _detail_page(request, meeting, status=409)
        return _detail_page(request, meeting, status=400, **{name: form}, **shown)
    try:
        act(form.cleaned_data)
    except ActionRefused as refusal:
        meeting.refresh_from_db()
        if form_gone is not None and form_gone():
            messages.error(request, refusal.message)
            return _detail_page(request, meeting, status=409)
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return _detail_page(request, meeting, status=409, **{name: form}, **shown)
    messages.success(request, done)
    return redirect("meetings:detail", meeting_id=meeting.pk)


def _do(request, meeting, act, done: str):
    """A step without a form: done, or the page again with the refusal's reason (409)."""
    try:
        act()
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return _detail_page(request, meeting, status=409)
    messages.success(request, done)
    return redirect("meetings:detail", meeting_id=meeting.pk)


def _posted(request, name: str, model):
    """The object whose id the form posted as ``name``, or None (a missing or malformed id)."""
    raw = request.POST.get(name, "")
    return model.objects.filter(pk=int(raw)).first() if raw.isdecimal() and len(raw) < 18 else None


@require_POST
def add_proposal(request, meeting_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    if not policies.can_edit_agenda(request.user, meeting):
        raise PermissionDenied
    proposal = _posted(request, "proposal", Proposal)
    return _do(
        request, meeting,
        lambda: actions.add_proposals(request.user, meeting=meeting, proposals=[proposal] if proposal else []),
        _("Added to the agenda."),
    )  # fmt: skip


@require_POST
def add_item(request, meeting_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    if not policies.can_edit_agenda(request.user, meeting):
        raise PermissionDenied
    form = forms.FreeItemForm(request.POST)
    return _act(
        request, meeting, form, "item_form",
        lambda data: actions.add_free_item(request.user, meeting=meeting, **data), _("Added to the agenda."),
    )  # fmt: skip


@require_POST
def move_item(request, meeting_id: int, item_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    if not policies.can_edit_agenda(request.user, meeting):
        raise PermissionDenied
    direction = request.POST.get("direction")
    if direction not in ("up", "down", "remove"):
        messages.error(request, _("Choose to move the item up or down, or to remove it."))
        return _detail_page(request, meeting, status=400)
    if direction == "remove":
        return _do(
            request, meeting, lambda: actions.remove_item(request.user, item=item), _("Removed from the agenda.")
        )
    return _do(
        request, meeting, lambda: actions.move_item(request.user, item=item, up=direction == "up"),
        _("The agenda is reordered."),
    )  # fmt: skip


@require_POST
def convene(request, meeting_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    if not policies.can_convene(request.user, meeting):
        raise PermissionDenied
    return _act(
        request, meeting, forms.ConveneForm(request.POST), "convene_form",
        lambda data: actions.convene(request.user, meeting=meeting, **data), _("The board is convened."),
    )  # fmt: skip


@require_POST
def answer(request, meeting_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    if not policies.answers_convocations(request.user):
        raise PermissionDenied  # the rest (too late, not convened) is refused by the action, saying why
    view = selectors.meeting_view(request.user, meeting)
    form = forms.AnswerForm(request.POST, choices=view.proxy_choices)
    return _act(
        request, meeting, form, "answer_form",
        lambda data: actions.answer(request.user, meeting=meeting, choice=data["answer"], proxy_to=data["proxy_to"]),
        _("Your answer is recorded."),
    )  # fmt: skip


@require_POST
def presence(request, meeting_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    if not policies.can_record_presence(request.user, meeting):
        raise PermissionDenied
    board = [row.member for row in selectors.meeting_view(request.user, meeting).rows]
    form = forms.PresenceForm(request.POST, board=board)

    def act(data):
        actions.record_presence(request.user, meeting=meeting, present=[int(pk) for pk in data["present"]])

    return _act(request, meeting, form, "presence_form", act, _("Presence recorded."))


@require_POST
def record_vote(request, meeting_id: int, item_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    if not policies.can_hold(request.user, meeting):
        raise PermissionDenied

    def voted_or_not_to_vote() -> str:
        return holding.why_not_to_vote(AgendaItem.objects.get(pk=item.pk))

    if request.POST.get("mode") == "roll_call" and item.kind == ItemKind.PROPOSAL:
        voters = selectors.meeting_view(request.user, meeting).room_voters
        form = forms.RollCallForm(request.POST, prefix=f"roll{item.pk}", voters=voters)
        return _act(
            request, meeting, form, "roll_form",
            lambda data: holding.record_vote(request.user, item=item, ballots=form.ballots()),
            _("The vote is recorded."), form_gone=voted_or_not_to_vote, voted_item=item.pk,
        )  # fmt: skip
    form = forms.VoteForm(request.POST, prefix=f"vote{item.pk}")
    return _act(
        request, meeting, form, "vote_form",
        lambda data: holding.record_item_vote(request.user, item=item, **data), _("The vote is recorded."),
        form_gone=voted_or_not_to_vote, voted_item=item.pk,
    )  # fmt: skip


@require_POST
def open_online_vote(request, meeting_id: int, item_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    if not policies.can_hold(request.user, meeting):
        raise PermissionDenied
    return _do(
        request, meeting, lambda: holding.open_online_vote(request.user, item=item),
        _("The online vote is open to those present: they vote on the proposal's page."),
    )  # fmt: skip


@require_POST
def close(request, meeting_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    if not policies.can_hold(request.user, meeting):
        raise PermissionDenied
    return _do(
        request, meeting, lambda: holding.close_meeting(request.user, meeting=meeting),
        _("The meeting is closed: the minutes can be written."),
    )  # fmt: skip


# --- The minutes -------------------------------------------------------------------------------


@require_POST
def add_minutes(request, meeting_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    if not policies.can_edit_agenda(request.user, meeting):
        raise PermissionDenied
    written = _posted(request, "minutes", Minutes)
    return _do(
        request, meeting, lambda: actions.add_minutes_approval(request.user, meeting=meeting, minutes=written),
        _("Added to the agenda."),
    )  # fmt: skip


@require_POST
def minutes_save(request, meeting_id: int):
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    if not policies.can_run_meetings(request.user):
        raise PermissionDenied
    return _act(
        request, meeting, forms.MinutesForm(request.POST), "minutes_form",
        lambda data: minutes.save_minutes(request.user, meeting=meeting, **data), _("The minutes are saved."),
    )  # fmt: skip


@require_GET
def minutes_page(request, meeting_id: int):
    """The minutes as one printable page (the browser prints it or saves it as PDF)."""
    written = selectors.get_minutes_for_user(request.user, meeting_id)
    return render(request, "meetings/minutes_print.html", {"minutes": written})


@require_GET
def minutes_file(request, meeting_id: int):
    written = selectors.get_minutes_for_user(request.user, meeting_id)
    response = HttpResponse(minutes_odt(written), content_type="application/vnd.oasis.opendocument.text")
    draft = "" if written.approved_at else "-projet"
    day = f"{written.meeting.starts_at:%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="proces-verbal-{day}{draft}.odt"'
    return response


@require_GET
def minutes_list(request):
    return render(request, "meetings/minutes_list.html", {"approved": selectors.approved_minutes_for(request.user)})
