from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemediesConfig(AppConfig):
    name = "govtrust.remedies"
    verbose_name = _("异议、信用修复与从轻免于惩戒")
