"""The desk in the Wagtail admin: a menu item and its screens, for desk staff only."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from citydesk.core.menus import PermissionMenuItem

from . import views


@hooks.register("register_admin_urls")
def register_desk_urls():
    return [
        path("desk/", views.inbox_view, name="desk_inbox"),
        path("desk/claims/<int:pk>/", views.claim_view, name="desk_claim"),
        path("desk/claims/<int:pk>/<slug:action>/", views.claim_action, name="desk_claim_action"),
        path("desk/reports/new/", views.report_new, name="desk_report_new"),
        path("desk/reports/<int:pk>/image/", views.report_image, name="desk_report_image"),
        path("desk/merge/", views.merge, name="desk_merge"),
    ]


@hooks.register("register_admin_menu_item")
def register_desk_menu_item():
    return PermissionMenuItem(
        _("Response desk"), reverse("desk_inbox"), icon_name="warning", order=150, permission="desk.verify_claim"
    )
