from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "citydesk.channels"
    verbose_name = _("Channels")

    def ready(self):
        from wagtail.signals import page_published

        from .signals import on_page_published

        page_published.connect(on_page_published, dispatch_uid="channels_page_published")
