from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out

from realtime.events import close_session_sockets_on_commit


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Temps réel"

    def ready(self):
        # Django's logout is not ours: a signal is how its end reaches this browser's sockets.
        user_logged_out.connect(_close_sockets_of_the_session, dispatch_uid="realtime.logout")


def _close_sockets_of_the_session(sender, request, user, **kwargs):
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        close_session_sockets_on_commit(session_key, reason="logged out")
