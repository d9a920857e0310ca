"""Sends staff to the second-factor step before any admin page (after the password log-in)."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

from . import services

# Admin pages a signed-in user without a verified second factor may still open.
ALWAYS_OPEN = ("login/", "logout/", "password_reset/", "jsi18n/", "sprite/", "2fa/verify/")
SET_UP = "2fa/setup/"


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._detour(request) or self.get_response(request)

    def _detour(self, request):
        admin = reverse("wagtailadmin_home")
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
