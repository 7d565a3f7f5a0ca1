from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govtrust.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import signals, sqlite

        signals.connect()
        sqlite.connect()
