"""Admin menu items shown only to the people who may use the screen behind them."""

from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    """A menu item shown to users with `permission` (to everyone signed in to the admin if empty), and with
    needs_profile only to contributors (users with a contributor profile)."""

    def __init__(self, *args, permission: str = "", needs_profile: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission, self.needs_profile = permission, needs_profile

    def is_shown(self, request):
        if self.needs_profile and not hasattr(request.user, "contributor_profile"):
            return False
        return not self.permission or request.user.has_perm(self.permission)
