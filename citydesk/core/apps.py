from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class CoreConfig(AppConfig):
    name = "citydesk.core"
    label = "core"
    verbose_name = _("Units and people")


class CitydeskUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin with citydesk's rules on who may grant what (core/users.py)."""

    user_viewset = "citydesk.core.users.UserViewSet"
