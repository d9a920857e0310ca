"""The platforms' webhooks skip the middleware that only serves people in a browser.

A tipline webhook (Telegram, Zalo) is a POST from the platform: authorised by its secret or signature,
never by a session, a CSRF token or a log-in; answered in JSON, never a page. In a surge each web
process answers it about a hundred times a second, and the chain after this middleware (WhiteNoise,
the route memo, sessions, locale, CSRF, authentication, OTP, the second factor, messages, clickjacking,
django-axes) did nothing for it but cost CPU the job workers need (docs/production.md).

Everything before this middleware still runs for the webhooks: the page cache's check, the request id,
the access log and the request metrics (citydesk/ops), SecurityMiddleware (its headers, the HTTPS
redirect and HSTS) and the Content-Security-Policy. After it, only what the webhook's answer must keep:
X-Frame-Options (Django's XFrameOptionsMiddleware, as the full chain sets it), Content-Length (as
CommonMiddleware sets it), the site's default language, an anonymous user (nothing here reads it; code
that might, an error report, finds one), and the view, called as Django's handler calls it. The answer
no longer carries `Vary: Accept-Language` and `Content-Language` (LocaleMiddleware's): a platform's
JSON acknowledgement has no language and is never cached. Other methods and every other path take the full chain.
CITYDESK_WEBHOOK_SHORT_PATH=0 removes this middleware (bench/webhook_cpu.py measures both).
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import MiddlewareNotUsed
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation

from .urls import webhook_urlpatterns


class WebhookShortPathMiddleware:
    """Answers POSTs to the tipline webhooks without the rest of the middleware chain."""

    def __init__(self, get_response):
        if not settings.CITYDESK_WEBHOOK_SHORT_PATH:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self._answer = XFrameOptionsMiddleware(self._view)
        self._routes: dict[str, object] | None = None  # path → its ResolverMatch, found on the first request

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        if self._routes is None:
            self._routes = self._webhook_routes()
        match = self._routes.get(request.path_info)
        if match is None:
            return self.get_response(request)
        request.resolver_match = match  # for the access log's route and the metrics' view name
        request.user = AnonymousUser()
        translation.activate(settings.LANGUAGE_CODE)
        response = self._answer(request)
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))  # as CommonMiddleware sets it
        return response

    @staticmethod
    def _view(request):
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)

    @staticmethod
    def _webhook_routes() -> dict:
        """The webhooks' paths in the URLconf, each with what it resolves to (a webhook the URLconf routes
        elsewhere, or not at all, is left to the full chain)."""
        routes = {}
        for pattern in webhook_urlpatterns:
            path = "/" + str(pattern.pattern)
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.url_name == pattern.name and match.func is pattern.callback:
                routes[path] = match
        return routes
