"""The forums API's routes (under /api/v1/)."""

from django.urls import path

from forums import api

urlpatterns = [
    path("forums/", api.ForumList.as_view(), name="forums"),
    path("forums/<slug:slug>/threads/", api.ForumThreads.as_view(), name="forum_threads"),
    path("forums/<slug:slug>/follow/", api.ForumFollow.as_view(), name="forum_follow"),
    path("threads/<int:thread_id>/", api.ThreadDetail.as_view(), name="thread"),
    path("threads/<int:thread_id>/posts/", api.ThreadPosts.as_view(), name="thread_posts"),
    path("threads/<int:thread_id>/read/", api.ThreadRead.as_view(), name="thread_read"),
    path("threads/<int:thread_id>/follow/", api.ThreadFollow.as_view(), name="thread_follow"),
    path("posts/<int:post_id>/", api.PostDetail.as_view(), name="post"),
    path("posts/<int:post_id>/hide/", api.PostHide.as_view(), name="post_hide"),
    path("posts/<int:post_id>/unhide/", api.PostUnhide.as_view(), name="post_unhide"),
]
