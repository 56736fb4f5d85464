"""Forum pages: thin, every answer from the forum policy and selectors, every change an action."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from forums import actions, history, policies, post_views, reading, selectors
from forums.forms import FollowForm, HideForm, PostForm, ThreadForm
from forums.models import Thread
from intranet import plugins
from intranet.exceptions import ActionRefused
from intranet.markdown import quote_as_markdown


def _thread_url(thread: Thread, number: int | None = None) -> str:
    return selectors.thread_url(thread.pk, number)


def index(request):
    # Each forum with its last event (read before the counts: nothing falls between).
    forums = list(selectors.visible_forums(request.user, with_latest_event=True))
    live_since = max((forum.live_since for forum in forums), default=0)
    return render(
        request,
        "forums/index.html",
        {"forums": selectors.forums_with_unread(request.user, forums, for_live_page=True), "live_since": live_since},
    )


@require_GET
def unread_counts(request):
    """Unread counters per forum, for pages that update them live."""
    return JsonResponse(
        {
            str(forum.pk): {
                "count": forum.unread,
                "label": ngettext("%(count)s unread", "%(count)s unread", forum.unread) % {"count": forum.unread},
            }
            for forum in selectors.forums_with_unread(request.user)
        }
    )


def forum_detail(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug, for_page=True)
    pages = Paginator(selectors.threads_of_forum(request.user, forum), selectors.THREADS_PER_PAGE)
    pages.count = forum.thread_count  # counted with the forum
    page = pages.get_page(request.GET.get("page"))
    return render(
        request,
        "forums/forum.html",
        {
            "forum": forum,
            "page": page,
            "can_start": policies.can_start_thread(request.user, forum),
            "follows_forum": forum.followed,
            "live_since": forum.live_since,
        },
    )


@require_POST
def forum_follow(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug)
    following = request.POST.get("following") == "1"
    reading.set_forum_follow(request.user, forum=forum, following=following)
    if following:
        messages.success(request, _("You will be notified of every new thread in this forum."))
    else:
        messages.success(request, _("You will no longer be notified of new threads in this forum."))
    return redirect("forums:forum", slug=forum.slug)


def thread_create(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = actions.start_thread(
                request.user, forum=forum, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            return redirect("forums:thread", thread_id=thread.pk)
    return render(request, "forums/thread_form.html", {"forum": forum, "form": form})


@require_POST
def forum_mark_read(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug)
    reading.mark_forum_read(request.user, forum=forum)
    messages.success(request, _("Everything in this forum is marked as read."))
    return redirect("forums:forum", slug=forum.slug)


def thread_detail(request, thread_id: int, reply_form: PostForm | None = None):
    thread, state, live_since = selectors.get_thread_for_page(request.user, thread_id)
    last_read_before = state.last_read_number
    if "unread" in request.GET:
        return redirect(_thread_url(thread, min(last_read_before + 1, thread.post_count)))
    pages = Paginator(range(max(thread.post_count, 1)), selectors.POSTS_PER_PAGE)
    page = pages.get_page(request.GET.get("page"))
    posts = list(selectors.posts_of_page(thread, page.number))
    if posts and posts[-1].number > last_read_before:  # a page read again writes nothing
        reading.mark_thread_read(request.user, thread=thread, up_to=posts[-1].number)
    can_moderate = policies.can_moderate_forum(request.user, thread.forum)
    if reply_form is None:
        quoted = selectors.quotable_post(thread, request.GET.get("quote", ""))
        reply_form = PostForm(initial={"body": quote_as_markdown(quoted.author.handle, quoted.body)} if quoted else {})
    return render(
        request,
        "forums/thread.html",
        {
            "thread": thread,
            "forum": thread.forum,
            "panels": plugins.panels_for(plugins.THREAD_PAGE, request.user, thread),
            "page": page,
            "post_views": post_views.post_views(request.user, thread, posts, last_read_before),
            "first_unread": last_read_before + 1 if last_read_before < thread.post_count else None,
            "first_unread_url": _thread_url(thread, last_read_before + 1),
            "can_reply": policies.can_reply(request.user, thread),
            "can_moderate": can_moderate,
            "move_targets": [f for f in selectors.moderated_forums(request.user) if f.pk != thread.forum_id]
            if can_moderate
            else [],
            "follow": state.follow,
            "reply_form": reply_form,
            "is_last_page": page.number == pages.num_pages,
            "live_since": live_since,
        },
    )


@require_POST
def thread_reply(request, thread_id: int):
    thread = selectors.get_thread_for_user(request.user, thread_id)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = actions.reply(request.user, thread=thread, body=form.cleaned_data["body"])
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            return redirect(_thread_url(thread, post.number))
    # A rejected reply comes back with what was typed (the thread's page shows it even once locked).
    response = thread_detail(request, thread_id, reply_form=form)
    response.status_code = 400
    return response


@require_POST
def thread_moderate(request, thread_id: int):
    thread = selectors.get_thread_for_user(request.user, thread_id)
    if not policies.can_moderate_forum(request.user, thread.forum):
        raise PermissionDenied
    operation = request.POST.get("operation")
    if operation in {"pin", "unpin"}:
        actions.set_thread_pinned(request.user, thread=thread, pinned=operation == "pin")
    elif operation in {"lock", "unlock"}:
        actions.set_thread_locked(request.user, thread=thread, locked=operation == "lock")
    elif operation == "move":
        target = next(
            (f for f in selectors.moderated_forums(request.user) if str(f.pk) == request.POST.get("forum")), None
        )
        if target is None:
            messages.error(request, _("Choose a forum you moderate."))
        else:
            actions.move_thread(request.user, thread=thread, forum=target)
            messages.success(request, _("The thread now lives in “%(forum)s”.") % {"forum": target.name})
    else:
        messages.error(request, _("Unknown operation."))
    return redirect("forums:thread", thread_id=thread.pk)


@require_POST
def thread_follow(request, thread_id: int):
    thread = selectors.get_thread_for_user(request.user, thread_id)
    form = FollowForm(request.POST)
    if form.is_valid():
        reading.set_follow(request.user, thread=thread, level=form.cleaned_data["level"])
    return redirect("forums:thread", thread_id=thread.pk)


@require_POST
def thread_mark_read(request, thread_id: int):
    thread = selectors.get_thread_for_user(request.user, thread_id)
    number = request.POST.get("number", "")
    if not number.isdecimal() or len(number) > 9:
        return JsonResponse({"error": "number"}, status=400)
    return JsonResponse({"read": reading.mark_thread_read(request.user, thread=thread, up_to=int(number))})


def thread_row(request, thread_id: int):
    """One line of a forum's list, for pages that insert new threads live."""
    thread = selectors.get_thread_for_user(request.user, thread_id)
    row = selectors.threads_of_forum(request.user, thread.forum).get(pk=thread.pk)
    return render(request, "forums/_thread_row.html", {"thread": row})


def post_fragment(request, post_id: int):
    """One post as the viewer sees it, for pages that update live."""
    post = selectors.get_post_for_user(request.user, post_id)
    state = selectors.read_state(request.user, post.thread)
    view = post_views.post_views(request.user, post.thread, [post], state.last_read_number)[0]
    return render(
        request,
        "forums/_post.html",
        {"view": view, "thread": post.thread},
    )


def post_edit(request, post_id: int):
    post = selectors.get_post_for_user(request.user, post_id)
    form = PostForm(request.POST if request.method == "POST" else None, initial={"body": post.body})
    try:
        actions.ensure_can_edit_post(request.user, post)  # not theirs: a 403
        if form.is_bound and form.is_valid():
            actions.edit_post(request.user, post=post, body=form.cleaned_data["body"])
            return redirect(_thread_url(post.thread, post.number))
    except ActionRefused as refusal:  # the thread was locked: the new text stays on the page
        if not form.is_bound:
            messages.error(request, refusal.message)
            return redirect(_thread_url(post.thread, post.number))
        refusal.add_to(form)
    return render(request, "forums/post_form.html", {"form": form, "post": post, "thread": post.thread})


def post_history(request, post_id: int):
    post = selectors.get_post_for_user(request.user, post_id)
    if post.is_hidden and not policies.can_see_hidden_text(request.user, post):
        raise Http404
    history_view = history.post_history(request.user, post)
    return render(
        request,
        "forums/post_history.html",
        {"post": post, "body": history_view.body, "thread": post.thread, "revisions": history_view.versions},
    )


@require_POST
def post_delete(request, post_id: int):
    post = selectors.get_post_for_user(request.user, post_id)
    if not policies.can_delete_post(request.user, post):
        raise PermissionDenied
    actions.delete_post(request.user, post=post)
    messages.success(request, _("Your message has been deleted."))
    return redirect(_thread_url(post.thread, post.number))


@require_POST
def post_hide(request, post_id: int):
    post = selectors.get_post_for_user(request.user, post_id)
    if not policies.can_moderate_forum(request.user, post.thread.forum):
        raise PermissionDenied
    form = HideForm(request.POST)
    if form.is_valid():
        try:
            actions.hide_post(request.user, post=post, reason=form.cleaned_data["reason"])
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            return redirect(_thread_url(post.thread, post.number))
    # A refused reason comes back on a page of its own, as typed.
    return render(
        request,
        "forums/post_hide.html",
        {"form": form, "post": post, "thread": post.thread, "back_url": _thread_url(post.thread, post.number)},
        status=400,
    )


@require_POST
def post_unhide(request, post_id: int):
    post = selectors.get_post_for_user(request.user, post_id)
    if not policies.can_moderate_forum(request.user, post.thread.forum):
        raise PermissionDenied
    actions.unhide_post(request.user, post=post)
    return redirect(_thread_url(post.thread, post.number))


@require_POST
def post_react(request, post_id: int):
    post = selectors.get_post_for_user(request.user, post_id)
    try:
        actions.toggle_reaction(request.user, post=post, kind=request.POST.get("kind", ""))
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect(_thread_url(post.thread, post.number))
