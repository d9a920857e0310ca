"""The moderation queue in the admin, for community moderators."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from citydesk.core.menus import PermissionMenuItem

from . import digest, services, views


@hooks.register("register_admin_urls")
def register_community_urls():
    return [
        path("community/", views.moderation_queue, name="community_queue"),
        path("community/<slug:kind>/<int:pk>/decide/", views.moderation_decide, name="community_decide"),
        path("community/appeals/<int:pk>/", views.moderation_appeal, name="community_appeal_decide"),
        path("community/digest/", views.digest_list, name="community_digests"),
        path("community/digest/<int:pk>/", views.digest_edit, name="community_digest_edit"),
    ]


@hooks.register("register_admin_menu_item")
def register_queue_menu_item():
    return PermissionMenuItem(
        _("Community moderation"),
        reverse("community_queue"),
        icon_name="group",
        order=160,
        permission=services.MODERATE,
    )


@hooks.register("register_admin_menu_item")
def register_digest_menu_item():
    return PermissionMenuItem(
        _("Weekly digest"), reverse("community_digests"), icon_name="mail", order=161, permission=digest.SEND
    )
