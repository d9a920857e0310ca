from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "citydesk.api"
    label = "api"
    verbose_name = _("Open API")

    def ready(self):
        from citydesk.desk.signals import clarification_published

        from . import schema, webhooks  # noqa: F401 (schema registers the OpenAPI bearer scheme)

        clarification_published.connect(webhooks.on_clarification_published, dispatch_uid="api-webhooks")
