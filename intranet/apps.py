from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntranetConfig(AppConfig):
    name = "intranet"
    verbose_name = _("Members and collèges")

    def ready(self):
        from intranet import (
            activity_live,
            audit,
            background,
            bodies,
            checks,  # noqa: F401 - importing it registers the system checks
            plugins,
        )
        from intranet.notifications import members as member_notifications
        from intranet.notifications.selectors import unread_count, unread_mention_count, unread_mentions
        from intranet.search.members import MemberSource

        # The core declares its own parts the way every app does (docs/architecture.md).
        plugins.register(
            self.label,
            builtin_texts=bodies.BUILT_IN_TEXTS,
            audit_details=audit.DETAILS,
            search_sources=[MemberSource()],
            notification_targets={"member": member_notifications.describe_members},
            notification_sentences=member_notifications.SENTENCES,
            # Made stale by intranet.notifications.actions for the people concerned.
            navigation_counters={"notifications": unread_count, "mentions": unread_mention_count},
            jobs=background.JOBS,
            home_waiting=[unread_mentions],
            # Asked only of a reader with unread mentions (not of everyone with an unread reply).
            home_waiting_counted_in="mentions",
            live_subscriptions=activity_live.SUBSCRIPTIONS,
        )
