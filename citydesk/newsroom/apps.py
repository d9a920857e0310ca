from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "citydesk.newsroom"
    label = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from .pagecache import connect_signals

        connect_signals()
