"""``/api/v1/``: the core's endpoints, the OpenAPI schema and its docs page.

The project's root URLs (``intranet.urls``, the shell) add each app's endpoints through
``api_urlpatterns``: the core names no app."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from intranet.api import activity, views

core = [
    path("colleges/", views.CollegeList.as_view(), name="colleges"),
    path("colleges/<slug:slug>/", views.CollegeDetail.as_view(), name="college"),
    path("members/", views.MemberList.as_view(), name="members"),
    path("members/<int:member_id>/", views.MemberDetail.as_view(), name="member"),
    path("search/", views.Search.as_view(), name="search"),
    path("notifications/", views.NotificationList.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationMarkRead.as_view(), name="notifications_read"),
    path("notifications/read-all/", views.NotificationMarkAllRead.as_view(), name="notifications_read_all"),
    path("notifications/preferences/", views.NotificationPreferences.as_view(), name="notification_preferences"),
    path("me/activity/", activity.MyActivity.as_view(), name="my_activity"),
]


def api_urlpatterns(*app_routes) -> list:
    """The API's routes: the core's and each app's under ``v1/``, then the schema and its docs."""
    return [
        path("v1/", include(core)),
        *(path("v1/", include(routes)) for routes in app_routes),
        path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
        path("docs/", login_not_required(views.ApiDocs.as_view(url_name="api:schema")), name="docs"),
        # Anything else under /api/ is a JSON 404, not the pages' HTML one.
        re_path(r"^.*$", views.not_found),
    ]
