"""The moderation queue in the admin, for community moderators."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import services, views


class QueueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(services.MODERATE)


@hooks.register("register_admin_urls")
def register_community_urls():
    return [
        path("community/", views.moderation_queue, name="community_queue"),
        path("community/<slug:kind>/<int:pk>/decide/", views.moderation_decide, name="community_decide"),
        path("community/appeals/<int:pk>/", views.moderation_appeal, name="community_appeal_decide"),
    ]


@hooks.register("register_admin_menu_item")
def register_queue_menu_item():
    return QueueMenuItem(_("Community moderation"), reverse("community_queue"), icon_name="group", order=160)
