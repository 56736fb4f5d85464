from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self):
        from forums import audit_details, bodies, home, live, notifications, panels, search
        from forums.actions import create_forum_for_college
        from intranet import plugins

        plugins.register(
            self.label,
            builtin_texts=bodies.BUILT_IN_TEXTS,
            audit_actions=audit_details.ACTIONS,
            audit_details=audit_details.DETAILS,
            search_sources=[search.ThreadSource(), search.PostSource()],
            notification_targets={"post": notifications.describe_posts, "thread": notifications.describe_threads},
            notification_sentences=notifications.SENTENCES,
            notification_kinds=notifications.KINDS,
            on_college_created=create_forum_for_college,
            panels={plugins.COLLEGE_PAGE: panels.college_forum},
            live_subscriptions=live.SUBSCRIPTIONS,
            home_activity=[home.new_threads, home.replies_in_followed_threads],
        )
