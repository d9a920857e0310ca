from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffauthConfig(AppConfig):
    name = "citydesk.staffauth"
    label = "staffauth"
    verbose_name = _("Staff sign-in security")
