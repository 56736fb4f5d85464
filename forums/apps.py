from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self):
        from forums import audit_details
        from forums.bodies import BUILT_IN_TEXTS
        from forums.live import register_subscriptions
        from intranet.builtins import register_builtin_texts

        register_subscriptions()
        register_builtin_texts(BUILT_IN_TEXTS)
        audit_details.register()
