"""Partner API keys in the admin menu, for unit admins (and superusers)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from citydesk.core.menus import PermissionMenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_api_urls():
    return [
        path("api-keys/", admin_views.key_list, name="api_keys"),
        path("api-keys/new/", admin_views.key_new, name="api_key_new"),
        path("api-keys/<int:pk>/revoke/", admin_views.key_revoke, name="api_key_revoke"),
    ]


@hooks.register("register_admin_menu_item")
def register_api_menu_item():
    return PermissionMenuItem(
        _("API keys"), reverse("api_keys"), icon_name="key", order=900, permission="api.view_partnerkey"
    )
