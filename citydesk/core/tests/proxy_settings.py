"""Production settings for child processes of the reverse-proxy test: HTTPS redirect, HSTS, secure
cookies, the database cache; only static files come from the apps' folders (no collectstatic)."""

from citydesk.settings.production import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
