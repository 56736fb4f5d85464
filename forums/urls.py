from django.urls import path

from forums import views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("non-lus/", views.unread_counts, name="unread_counts"),
    path("fils/<int:thread_id>/", views.thread_detail, name="thread"),
    path("fils/<int:thread_id>/repondre/", views.thread_reply, name="reply"),
    path("fils/<int:thread_id>/moderation/", views.thread_moderate, name="moderate"),
    path("fils/<int:thread_id>/suivi/", views.thread_follow, name="follow"),
    path("fils/<int:thread_id>/lu/", views.thread_mark_read, name="mark_read"),
    path("fils/<int:thread_id>/ligne/", views.thread_row, name="thread_row"),
    path("messages/<int:post_id>/", views.post_fragment, name="post"),
    path("messages/<int:post_id>/modifier/", views.post_edit, name="edit"),
    path("messages/<int:post_id>/historique/", views.post_history, name="history"),
    path("messages/<int:post_id>/supprimer/", views.post_delete, name="delete"),
    path("messages/<int:post_id>/masquer/", views.post_hide, name="hide"),
    path("messages/<int:post_id>/afficher/", views.post_unhide, name="unhide"),
    path("messages/<int:post_id>/reactions/", views.post_react, name="react"),
    path("<slug:slug>/", views.forum_detail, name="forum"),
    path("<slug:slug>/nouveau/", views.thread_create, name="new_thread"),
    path("<slug:slug>/suivre/", views.forum_follow, name="follow_forum"),
    path("<slug:slug>/tout-lu/", views.forum_mark_read, name="mark_forum_read"),
]
