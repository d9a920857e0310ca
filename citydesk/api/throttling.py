"""Rate limits through core.ratelimit: per client address without a key, per key or token with one."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from citydesk.core import ratelimit
from citydesk.core.clientip import client_ip

from .authentication import partner_key, staff_token

WINDOW_SECONDS = 60


class ApiRateThrottle(BaseThrottle):
    """Anonymous callers share CITYDESK_API_RATE_LIMIT per minute per address; a partner key has its own
    limit, a staff token CITYDESK_API_STAFF_RATE_LIMIT."""

    def allow_request(self, request, view) -> bool:
        key, token = partner_key(request), staff_token(request)
        if key is not None:
            scope, identity, limit = "api:key", key.prefix, key.rate_limit
        elif token is not None:
            scope, identity, limit = "api:staff", token.prefix, settings.CITYDESK_API_STAFF_RATE_LIMIT
        else:
            scope, identity, limit = "api:ip", client_ip(request), settings.CITYDESK_API_RATE_LIMIT
        return ratelimit.allow(scope, identity, limit=limit, window_seconds=WINDOW_SECONDS)

    def wait(self) -> float:
        return WINDOW_SECONDS
