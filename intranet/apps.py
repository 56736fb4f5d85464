from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntranetConfig(AppConfig):
    name = "intranet"
    verbose_name = _("Members and collèges")

    def ready(self):
        from intranet.bodies import BUILT_IN_TEXTS
        from intranet.builtins import register_builtin_texts

        register_builtin_texts(BUILT_IN_TEXTS)
