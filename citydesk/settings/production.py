"""Production settings: base plus HTTPS and cookie hardening; `manage.py check --deploy` is clean.

Set at least CITYDESK_SECRET_KEY (50+ random characters), CITYDESK_ALLOWED_HOSTS,
CITYDESK_CSRF_TRUSTED_ORIGINS, CITYDESK_BASE_URL and DATABASE_URL (PostgreSQL). See docs/production.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

DEBUG = False
CITYDESK_PRODUCTION = True  # citydesk/ops/checks.py: refuse unsafe combinations of the variables below
if SECRET_KEY.startswith("citydesk-embedded") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set CITYDESK_SECRET_KEY to 50 or more random characters for production.")

# TLS ends at the proxy in front of citydesk; it tells us the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("CITYDESK_SSL_REDIRECT", True)
# Probes and Prometheus may ask the web process directly over plain HTTP on the internal address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("CITYDESK_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CITYDESK_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("CITYDESK_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
