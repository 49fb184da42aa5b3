from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "aileague.outcomes"
    label = "outcomes"
    verbose_name = _("After the league")
