from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "govtrust.supervision"
    verbose_name = _("监督评价数据")
