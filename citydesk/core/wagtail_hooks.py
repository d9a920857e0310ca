"""Units and contributor profiles are managed as snippets in the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import ContributorProfile, Unit


class UnitViewSet(SnippetViewSet):
    model = Unit
    icon = "group"
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class ContributorViewSet(SnippetViewSet):
    model = ContributorProfile
    icon = "user"
    list_display = ["name", "unit", "title", BooleanColumn("is_active", label=_("Active"))]
    list_filter = ["unit", "is_active"]
    search_fields = ["name"]


class PeopleViewSetGroup(SnippetViewSetGroup):
    items = (UnitViewSet, ContributorViewSet)
    menu_icon = "group"
    menu_label = _("Units and people")
    menu_name = "people"


register_snippet(PeopleViewSetGroup)
