from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingConfig(AppConfig):
    """Mail to many readers: one message per recipient, List-Unsubscribe and the unsubscribe page."""

    name = "citydesk.mailing"
    label = "mailing"
    verbose_name = _("Mailing")
