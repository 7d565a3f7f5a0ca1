from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "govtrust.ledger"
    verbose_name = _("信用信息")
