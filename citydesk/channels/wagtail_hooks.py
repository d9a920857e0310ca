"""Channels in the admin: the accounts (snippets, unit admins), the outbox and the calendar (editors)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from citydesk.core.menus import PermissionMenuItem
from citydesk.core.viewsets import UnitScopedViewSetMixin

from . import services, views
from .forms import ChannelAccountForm
from .models import ChannelAccount


class ChannelAccountViewSet(UnitScopedViewSetMixin, SnippetViewSet):  # unit admins: their units' accounts
    model = ChannelAccount
    # Secrets are write-only form fields (ChannelAccountForm), never model fields shown back.
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("target"),
            FieldPanel("token"),
            FieldPanel("refresh_token"),
            FieldPanel("app_secret"),
            FieldPanel("app_id"),
            FieldPanel("unit"),
            FieldPanel("is_active"),
            FieldPanel("auto_clarifications"),
        ],
        base_form_class=ChannelAccountForm,
    )
    icon = "site"
    list_display = ["name", "kind", "target", "unit", BooleanColumn("is_active", label=_("Active")), "secrets_state"]
    list_filter = ["kind", "is_active"]
    menu_label = _("Channel accounts")
    add_to_admin_menu = False


register_snippet(ChannelAccountViewSet)


@hooks.register("register_admin_urls")
def register_channel_urls():
    return [
        path("channels/", views.outbox, name="channels_outbox"),
        path("channels/calendar/", views.content_calendar, name="channels_calendar"),
        path("channels/publish/<int:page_id>/", views.publish, name="channels_publish"),
        path("channels/deliveries/<int:pk>/<slug:action>/", views.delivery_action, name="channels_delivery_action"),
    ]


@hooks.register("register_admin_menu_item")
def register_outbox_menu_item():
    return PermissionMenuItem(
        _("Channels"), reverse("channels_outbox"), icon_name="site", order=160, permission=services.PUBLISH
    )


@hooks.register("register_page_listing_more_buttons")
def publish_to_channels_button(page, user, next_url=None):
    if page.live and user.has_perm(services.PUBLISH):
        yield Button(_("Send to channels"), reverse("channels_publish", args=[page.pk]), priority=60)
