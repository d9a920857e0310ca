"""The moderation queue in the admin, for community moderators."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import digest, services, views


class QueueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(services.MODERATE)


@hooks.register("register_admin_urls")
def register_community_urls():
    return [
        path("community/", views.moderation_queue, name="community_queue"),
        path("community/<slug:kind>/<int:pk>/decide/", views.moderation_decide, name="community_decide"),
        path("community/appeals/<int:pk>/", views.moderation_appeal, name="community_appeal_decide"),
        path("community/digest/", views.digest_list, name="community_digests"),
        path("community/digest/<int:pk>/", views.digest_edit, name="community_digest_edit"),
    ]


class DigestMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(digest.SEND)


@hooks.register("register_admin_menu_item")
def register_queue_menu_item():
    return QueueMenuItem(_("Community moderation"), reverse("community_queue"), icon_name="group", order=160)


@hooks.register("register_admin_menu_item")
def register_digest_menu_item():
    return DigestMenuItem(_("Weekly digest"), reverse("community_digests"), icon_name="mail", order=161)
