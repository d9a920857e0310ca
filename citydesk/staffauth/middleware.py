"""Sends staff to the second-factor step before any admin page (after the password log-in)."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import get_script_prefix, get_urlconf, reverse

from . import services

# Admin pages a signed-in user without a verified second factor may still open.
ALWAYS_OPEN = ("login/", "logout/", "password_reset/", "jsi18n/", "sprite/", "2fa/verify/")
SET_UP = "2fa/setup/"

_admin_prefixes: dict[tuple, str] = {}


def admin_prefix() -> str:
    """The admin's path ("/admin/"), reversed once per URLconf and script prefix: this middleware and the
    Content-Security-Policy ask on every request, and reverse() took about 11 µs each time."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    prefix = _admin_prefixes.get(key)
    if prefix is None:
        prefix = reverse("wagtailadmin_home")
        if len(_admin_prefixes) < 64:  # URLconfs and script prefixes are few; never grows without bound
            _admin_prefixes[key] = prefix
    return prefix


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._detour(request) or self.get_response(request)

    def _detour(self, request):
        admin = admin_prefix()
        if not request.path.startswith(admin):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        rest = request.path[len(admin) :]
        if rest.startswith(ALWAYS_OPEN):
            return None
        if services.has_second_factor(user=user):
            target = "staffauth_verify"  # setting up a new app also needs the current one first
        elif rest.startswith(SET_UP):
            return None
        elif services.second_factor_required(user=user):
            target = "staffauth_setup"
        else:
            return None
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
