"""The verified accounts directory and the monitored feeds, managed as snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import FeedSource, OfficialAccount


class OfficialAccountViewSet(SnippetViewSet):
    model = OfficialAccount
    icon = "tick-inverse"
    list_display = ["name", "kind", "value", "unit", BooleanColumn("is_active", label=_("Active"))]
    list_filter = ["kind", "unit", "is_active"]
    search_fields = ["name", "value"]


class FeedSourceViewSet(SnippetViewSet):
    model = FeedSource
    icon = "link"
    list_display = ["name", "url", "last_polled_at", "appearances_found", "last_error"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]


class IntakeViewSetGroup(SnippetViewSetGroup):
    items = (OfficialAccountViewSet, FeedSourceViewSet)
    menu_icon = "tick-inverse"
    menu_label = _("Intake")
    menu_name = "intake"


register_snippet(IntakeViewSetGroup)
