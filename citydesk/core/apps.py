from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class CoreConfig(AppConfig):
    # Two AppConfig classes live in this module: without `default`, Django used neither for "citydesk.core".
    default = True
    name = "citydesk.core"
    label = "core"
    verbose_name = _("Units and people")

    def ready(self):
        from django.contrib.auth import get_user_model

        from citydesk.core import people

        # Django's User.get_full_name is "first last", which Wagtail shows everywhere (user list, workflow
        # and history screens): Vietnamese names are family name first ("Võ Thị Lan", not "Lan Võ Thị").
        get_user_model().get_full_name = people.full_name


class CitydeskUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin with citydesk's rules on who may grant what (core/users.py)."""

    user_viewset = "citydesk.core.users.UserViewSet"
