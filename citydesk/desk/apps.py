from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "citydesk.desk"
    label = "desk"
    verbose_name = _("Response desk")

    def ready(self):
        from .search_index import connect_signals

        connect_signals()
