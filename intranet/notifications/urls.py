from django.urls import path

from intranet.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("non-lues/", views.unread_count, name="unread_count"),
    path("tout-lu/", views.notification_mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<int:notification_id>/", views.notification_open, name="open"),
    path("<int:notification_id>/lu/", views.notification_mark_read, name="mark_read"),
]
