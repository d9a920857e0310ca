"""Settings for the web process of test_page_cache_wsgi.py: citydesk's own (the database cache, the page
cache on); only static files come from the apps' folders (no collectstatic)."""

from citydesk.settings.base import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
