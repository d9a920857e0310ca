"""The contributor network in the admin: one menu with the screens each role may use."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from citydesk.core.menus import PermissionMenuItem

from . import views


class NotificationsMenuItem(MenuItem):
    """Shows how many notifications are unread."""

    def render_component(self, request):
        unread = request.user.notifications.filter(read_at__isnull=True).count()
        label = f"{self.label} ({unread})" if unread else self.label
        return LinkMenuItemComponent(self.name, label, self.url, icon_name=self.icon_name, attrs=self.attrs)


@hooks.register("register_admin_urls")
def register_network_urls():
    return [
        path("network/", views.home, name="network_home"),
        path("network/profile/", views.my_profile, name="network_my_profile"),
        path("network/assignments/", views.assignment_list, name="network_assignments"),
        path("network/assignments/new/", views.assignment_new, name="network_assignment_new"),
        path("network/assignments/<int:pk>/", views.assignment_detail, name="network_assignment"),
        path(
            "network/assignments/<int:pk>/<slug:action>/",
            views.assignment_action,
            name="network_assignment_action",
        ),
        path("network/pitches/", views.pitch_list, name="network_pitches"),
        path("network/pitches/<int:pk>/", views.pitch_detail, name="network_pitch"),
        path("network/pitches/<int:pk>/<slug:action>/", views.pitch_action, name="network_pitch_action"),
        path("network/directory/", views.directory, name="network_directory"),
        path("network/contributors/<int:pk>/active/", views.contributor_active, name="network_contributor_active"),
        path("network/invitations/", views.invitations, name="network_invitations"),
        path("network/notifications/", views.notifications, name="network_notifications"),
        path("network/notifications/<int:pk>/", views.notification_open, name="network_notification_open"),
    ]


@hooks.register("register_admin_menu_item")
def register_network_menu():
    items = [
        PermissionMenuItem(_("My work"), reverse("network_home"), icon_name="user", order=10),
        PermissionMenuItem(_("Assignments"), reverse("network_assignments"), icon_name="tasks", order=20),
        PermissionMenuItem(
            _("Pitches"), reverse("network_pitches"), icon_name="edit", order=30, permission="network.add_pitch"
        ),
        PermissionMenuItem(
            _("Pitches"), reverse("network_pitches"), icon_name="edit", order=31, permission="network.view_pitch"
        ),
        PermissionMenuItem(
            _("Contributor directory"),
            reverse("network_directory"),
            icon_name="group",
            order=40,
            permission="core.view_contributorprofile",
        ),
        PermissionMenuItem(
            _("Invitations"),
            reverse("network_invitations"),
            icon_name="mail",
            order=50,
            permission="network.view_invitation",
        ),
        NotificationsMenuItem(_("Notifications"), reverse("network_notifications"), icon_name="info-circle", order=60),
    ]
    return SubmenuMenuItem(_("Contributor network"), Menu(items=items), icon_name="group", order=120)
