"""The forums' endpoints: thin, every object through an access helper (the same 404 for missing
and forbidden), every answer from the forum policy and selectors, every change an action."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from forums import actions, post_views, reading, selectors
from forums import serializers as api
from forums.models import FollowLevel, Post, Thread
from intranet.api.base import ApiViewMixin, Pages, PostCursor, validated
from intranet.api.serializers import ErrorSerializer

FORUM_SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The forum's slug")
THREAD_ID = OpenApiParameter("thread_id", int, OpenApiParameter.PATH, description="The thread's id")
POST_ID = OpenApiParameter("post_id", int, OpenApiParameter.PATH, description="The post's id")

INVALID = OpenApiResponse(ErrorSerializer, description="Fields not valid, or the action refused")
REFUSED = OpenApiResponse(ErrorSerializer, description="Visible, but not yours to do")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Missing, or not readable by you")

THREAD_EXAMPLE = {
    "id": 12,
    "forum": "production",
    "title": "Tournage en Gironde",
    "author": {"id": 8, "handle": "camille.martin", "name": "Camille Martin"},
    "pinned": False,
    "locked": False,
    "created_at": "2026-11-02T10:00:00+01:00",
    "last_activity_at": "2026-11-02T10:00:00+01:00",
    "post_count": 1,
    "last_read": 1,
    "unread": 0,
    "follow_level": "following",
    "url": "/forums/fils/12/",
}
THREAD_DETAIL_EXAMPLE = {**THREAD_EXAMPLE, "can_reply": True, "can_moderate": False}
POST_EXAMPLE = {
    "id": 40,
    "thread": 12,
    "number": 2,
    "author": {"id": 8, "handle": "camille.martin", "name": "Camille Martin"},
    "created_at": "2026-11-02T10:05:00+01:00",
    "edited_at": None,
    "deleted": False,
    "hidden": False,
    "hidden_reason": None,
    "body": "Oui, **samedi**.",
    "body_html": "<p>Oui, <strong>samedi</strong>.</p>",
    "url": "/forums/fils/12/?page=1#post-2",
    "reactions": [{"kind": "+1", "emoji": "👍", "count": 2, "mine": True}],
    "allowed": {"can_edit": True, "can_delete": True, "can_moderate": False, "can_react": True, "can_quote": True},
}


def _thread_data(request, thread: Thread) -> dict:
    """The thread as its forum's list shows it to this reader, and what they may do there."""
    row = selectors.threads_of_forum(request.user, thread.forum).select_related("forum__college").get(pk=thread.pk)
    return api.ThreadDetailSerializer(row, context={"request": request}).data


def _posts_data(request, thread: Thread, posts: list[Post]) -> list[dict]:
    """The posts as the thread's page shows them to this reader (``post_views.post_views``)."""
    return api.PostSerializer(post_views.post_views(request.user, thread, posts), many=True).data


def _post_data(request, post: Post) -> dict:
    return _posts_data(request, post.thread, [post])[0]


@extend_schema(
    tags=["forums"],
    summary="The forums I read, with their unread counts",
    responses=api.ForumSerializer(many=True),
    examples=[
        OpenApiExample(
            "A collège's forum",
            value={
                "slug": "production",
                "name": "Production",
                "description": "",
                "kind": "college",
                "college": "production",
                "thread_count": 5,
                "unread": 11,
            },
            response_only=True,
        )
    ],
)
class ForumList(ApiViewMixin, APIView):
    def get(self, request):
        return Response(api.ForumSerializer(selectors.forums_with_unread(request.user), many=True).data)


@extend_schema(tags=["forums"], parameters=[FORUM_SLUG])
class ForumThreads(ApiViewMixin, generics.GenericAPIView):
    pagination_class = Pages

    @extend_schema(
        summary="A forum's threads, pinned first, then by last activity",
        parameters=[api.ThreadFilterSerializer],
        responses={200: api.ThreadSerializer(many=True), 400: INVALID, 404: NOT_FOUND},
        examples=[OpenApiExample("A thread I follow", value=THREAD_EXAMPLE, response_only=True)],
    )
    def get(self, request, slug: str):
        forum = selectors.get_forum_for_user(request.user, slug)
        filters = api.ThreadFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        threads = selectors.threads_of_forum(request.user, forum).select_related("forum")
        if filters.validated_data["unread"]:
            threads = threads.filter(unread__gt=0).exclude(follow_level=FollowLevel.MUTED)
        page = self.paginate_queryset(threads)
        return self.get_paginated_response(api.ThreadSerializer(page, many=True).data)

    @extend_schema(
        summary="Start a thread",
        request=api.NewThreadSerializer,
        responses={201: api.ThreadDetailSerializer, 400: INVALID, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "A question to the collège",
                value={"title": "Tournage en Gironde", "body": "Qui a un **drone** ?"},
                request_only=True,
            ),
            OpenApiExample("The new thread", value=THREAD_DETAIL_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request, slug: str):
        forum = selectors.get_forum_for_user(request.user, slug)
        data = validated(api.NewThreadSerializer, request)
        thread = actions.start_thread(request.user, forum=forum, title=data["title"], body=data["body"])
        return Response(_thread_data(request, thread), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["forums"],
    summary="Follow a forum: be notified of every new thread",
    parameters=[FORUM_SLUG],
    request=api.ForumFollowSerializer,
    responses={200: api.ForumFollowSerializer, 400: INVALID, 404: NOT_FOUND},
    examples=[OpenApiExample("Follow", value={"following": True})],
)
class ForumFollow(ApiViewMixin, APIView):
    def put(self, request, slug: str):
        forum = selectors.get_forum_for_user(request.user, slug)
        following = validated(api.ForumFollowSerializer, request)["following"]
        reading.set_forum_follow(request.user, forum=forum, following=following)
        return Response({"following": following})


@extend_schema(
    tags=["forums"],
    summary="One thread, with my follow level and the last post I read",
    parameters=[THREAD_ID],
    responses={200: api.ThreadDetailSerializer, 404: NOT_FOUND},
    examples=[OpenApiExample("A thread I may reply to", value=THREAD_DETAIL_EXAMPLE, response_only=True)],
)
class ThreadDetail(ApiViewMixin, APIView):
    def get(self, request, thread_id: int):
        return Response(_thread_data(request, selectors.get_thread_for_user(request.user, thread_id)))


@extend_schema(tags=["forums"], parameters=[THREAD_ID])
class ThreadPosts(ApiViewMixin, generics.GenericAPIView):
    pagination_class = PostCursor

    @extend_schema(
        summary="A thread's posts, in order, by cursor (stable while replies arrive)",
        responses={200: api.PostSerializer(many=True), 404: NOT_FOUND},
        examples=[OpenApiExample("A reply", value=POST_EXAMPLE, response_only=True)],
    )
    def get(self, request, thread_id: int):
        thread = selectors.get_thread_for_user(request.user, thread_id)
        # The thread is readable (asked above): its posts are, each showing what the policy allows.
        posts = self.paginate_queryset(thread.posts.select_related("author"))
        return self.get_paginated_response(_posts_data(request, thread, posts))

    @extend_schema(
        summary="Reply",
        request=api.PostBodySerializer,
        responses={201: api.PostSerializer, 400: INVALID, 404: NOT_FOUND},
        examples=[
            OpenApiExample("A reply", value={"body": "Oui, **samedi**."}, request_only=True),
            OpenApiExample("The new post", value=POST_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request, thread_id: int):
        thread = selectors.get_thread_for_user(request.user, thread_id)
        body = validated(api.PostBodySerializer, request)["body"]
        post = actions.reply(request.user, thread=thread, body=body)
        return Response(_post_data(request, post), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["forums"],
    summary="Mark a thread read up to a post",
    parameters=[THREAD_ID],
    request=api.ThreadReadMarkSerializer,
    responses={200: api.ThreadReadSerializer, 400: INVALID, 404: NOT_FOUND},
    examples=[OpenApiExample("Read up to the 12th post", value={"number": 12}, request_only=True)],
)
class ThreadRead(ApiViewMixin, APIView):
    def post(self, request, thread_id: int):
        thread = selectors.get_thread_for_user(request.user, thread_id)
        number = validated(api.ThreadReadMarkSerializer, request)["number"]
        return Response({"read": reading.mark_thread_read(request.user, thread=thread, up_to=number)})


@extend_schema(
    tags=["forums"],
    summary="Follow, mute or return a thread to normal",
    parameters=[THREAD_ID],
    request=api.ThreadFollowSerializer,
    responses={200: api.ThreadFollowSerializer, 400: INVALID, 404: NOT_FOUND},
    examples=[OpenApiExample("Mute", value={"level": "muted"})],
)
class ThreadFollow(ApiViewMixin, APIView):
    def put(self, request, thread_id: int):
        thread = selectors.get_thread_for_user(request.user, thread_id)
        level = validated(api.ThreadFollowSerializer, request)["level"]
        reading.set_follow(request.user, thread=thread, level=level)
        return Response({"level": level})


@extend_schema(
    tags=["forums"],
    summary="Edit my post",
    parameters=[POST_ID],
    request=api.PostBodySerializer,
    responses={200: api.PostSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    examples=[
        OpenApiExample("New words", value={"body": "Oui, **dimanche**."}, request_only=True),
        OpenApiExample("The edited post", value={**POST_EXAMPLE, "body": "Oui, **dimanche**."}, response_only=True),
    ],
)
class PostDetail(ApiViewMixin, APIView):
    def patch(self, request, post_id: int):
        post = selectors.get_post_for_user(request.user, post_id)
        body = validated(api.PostBodySerializer, request)["body"]
        return Response(_post_data(request, actions.edit_post(request.user, post=post, body=body)))


@extend_schema(
    tags=["forums"],
    summary="Hide a post (moderators)",
    parameters=[POST_ID],
    request=api.PostHideSerializer,
    responses={200: api.PostSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    examples=[OpenApiExample("Off topic", value={"reason": "Hors sujet"}, request_only=True)],
)
class PostHide(ApiViewMixin, APIView):
    def post(self, request, post_id: int):
        post = selectors.get_post_for_user(request.user, post_id)
        reason = validated(api.PostHideSerializer, request)["reason"]
        return Response(_post_data(request, actions.hide_post(request.user, post=post, reason=reason)))


@extend_schema(
    tags=["forums"],
    summary="Show a hidden post again (moderators)",
    parameters=[POST_ID],
    request=None,
    responses={200: api.PostSerializer, 403: REFUSED, 404: NOT_FOUND},
    examples=[OpenApiExample("Shown again", value=POST_EXAMPLE, response_only=True)],
)
class PostUnhide(ApiViewMixin, APIView):
    def post(self, request, post_id: int):
        post = selectors.get_post_for_user(request.user, post_id)
        return Response(_post_data(request, actions.unhide_post(request.user, post=post)))
