"""Units and contributor profiles are managed as snippets in the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import scoping
from .models import ContributorProfile, Unit
from .users import USER_BULK_ACTIONS
from .viewsets import UnitScopedViewSetMixin


class UnitViewSet(UnitScopedViewSetMixin, SnippetViewSet):
    model = Unit
    chooser_open_to_all = True
    icon = "group"
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class ContributorViewSet(UnitScopedViewSetMixin, SnippetViewSet):
    model = ContributorProfile
    chooser_open_to_all = True
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


class ScopedSnippetDeleteBulkAction(DeleteBulkAction):
    """Wagtail's bulk deletion of snippets, for unit admins only of their units' rows."""

    def check_perm(self, snippet):
        return super().check_perm(snippet) and scoping.in_scope(self.request.user, snippet)


# After Wagtail's own (order 0), so that these replace its user bulk actions and its snippet deletion.
for action_class in [*USER_BULK_ACTIONS, ScopedSnippetDeleteBulkAction]:
    hooks.register("register_bulk_action", action_class, order=10)
