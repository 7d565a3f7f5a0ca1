from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "govtrust.publicity"
    verbose_name = _("双公示")
