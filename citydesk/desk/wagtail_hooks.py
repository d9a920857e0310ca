"""The desk in the Wagtail admin: a menu item and its screens, for desk staff only."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from citydesk.core.menus import PermissionMenuItem

from . import views
from .models import SlaTarget


@hooks.register("register_admin_urls")
def register_desk_urls():
    return [
        path("desk/", views.inbox_view, name="desk_inbox"),
        path("desk/claims/<int:pk>/", views.claim_view, name="desk_claim"),
        path("desk/claims/<int:pk>/<slug:action>/", views.claim_action, name="desk_claim_action"),
        path("desk/reports/new/", views.report_new, name="desk_report_new"),
        path("desk/reports/<int:pk>/image/", views.report_image, name="desk_report_image"),
        path("desk/merge/", views.merge, name="desk_merge"),
        path("desk/trending/", views.trending_view, name="desk_trending"),
        path("desk/trending/<int:page_id>/<slug:action>/", views.trending_action, name="desk_trending_action"),
    ]


class SurgePanel(Component):
    """On the admin dashboard: claims surging now (desk staff), with one-click pins (editors, desk leads)."""

    name = "desk_surges"
    order = 50
    template_name = "desk/admin/surge_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        from . import surge, trending

        can_pin = trending.can_pin(self.user)
        alerts = list(surge.open_alerts())
        if not self.user.has_perm("desk.verify_claim"):
            alerts = [a for a in alerts if getattr(a.claim, "clarification_page", None) is not None]
        return {"surges": alerts, "can_pin": can_pin, "request": parent_context.get("request")}

    def render_html(self, parent_context=None):
        from . import trending

        if not (self.user.has_perm("desk.verify_claim") or trending.can_pin(self.user)):
            return ""
        return super().render_html(parent_context)


@hooks.register("construct_homepage_panels")
def add_surge_panel(request, panels):
    panels.insert(0, SurgePanel(request.user))


class SlaTargetViewSet(SnippetViewSet):
    model = SlaTarget
    icon = "time"
    menu_label = _("Response targets")
    add_to_settings_menu = True
    list_display = ["category", "first_response_hours"]


register_snippet(SlaTargetViewSet)


@hooks.register("register_admin_menu_item")
def register_desk_menu_item():
    return PermissionMenuItem(
        _("Response desk"), reverse("desk_inbox"), icon_name="warning", order=150, permission="desk.verify_claim"
    )
