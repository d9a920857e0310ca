from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("2fa/", views.overview, name="staffauth_overview"),
        path("2fa/setup/", views.setup, name="staffauth_setup"),
        path("2fa/verify/", views.verify, name="staffauth_verify"),
        path("2fa/recovery-codes/", views.recovery_codes, name="staffauth_recovery_codes"),
    ]


@hooks.register("register_account_menu_item")
def second_factor_account_item(request):
    """A link on the account page ("Tài khoản") to one's two-step verification."""
    return {
        "url": reverse("staffauth_overview"),
        "label": _("Two-step verification"),
        "help_text": _("An authenticator app and recovery codes protect your account if your password leaks."),
    }
