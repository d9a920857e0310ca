from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: health and readiness, Prometheus metrics, request ids and the access log."""

    name = "citydesk.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from . import checks  # noqa: F401 - registers the production settings check
