from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanctionsConfig(AppConfig):
    name = "govtrust.sanctions"
    verbose_name = _("守信激励与失信惩戒")
