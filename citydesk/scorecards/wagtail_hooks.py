"""Scorecards in the admin: the dashboard (menu), and targets and reach entries as snippets."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from citydesk.core.menus import PermissionMenuItem
from citydesk.core.viewsets import UnitScopedViewSetMixin

from . import views
from .models import ReachEntry, Target


@hooks.register("register_admin_urls")
def register_scorecard_urls():
    return [
        path("scorecards/", views.dashboard, name="scorecards_dashboard"),
        path("scorecards/items/<slug:key>/<slug:unit>/", views.drilldown, name="scorecards_items"),
        path("scorecards/export.<slug:kind>", views.export, name="scorecards_export"),
    ]


@hooks.register("register_admin_menu_item")
def register_scorecard_menu_item():
    return PermissionMenuItem(
        _("Scorecards"), reverse("scorecards_dashboard"), icon_name="table", order=170, permission=views.VIEW
    )


class TargetViewSet(UnitScopedViewSetMixin, SnippetViewSet):
    model = Target
    icon = "success"
    list_display = ["unit", "year", "metric", "value"]
    list_filter = ["year", "unit"]


class ReachViewSet(UnitScopedViewSetMixin, SnippetViewSet):
    model = ReachEntry
    icon = "view"
    list_display = ["account", "date", "reach", "source"]
    list_filter = ["source", "account"]


class ScorecardViewSetGroup(SnippetViewSetGroup):
    items = (TargetViewSet, ReachViewSet)
    menu_icon = "table"
    menu_label = _("Targets and reach")
    menu_name = "scorecard-data"


register_snippet(ScorecardViewSetGroup)
