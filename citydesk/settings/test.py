"""Settings for the test suite: the same app, jobs run inline, fast password hashing."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASE_URL

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
if not DATABASE_URL:  # with DATABASE_URL (CI's second run) the suite runs on PostgreSQL, in test_<name>
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:", "TEST": {"NAME": ":memory:"}}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files straight from the apps' folders; nothing is collected.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CITYDESK_SPOOL_DIR = str(BASE_DIR / "var" / "test-spool")
CITYDESK_READ_FLUSH_SECONDS = 0  # tests read the counts right after the request
# Rate-limit counters in memory, cleared by the apps' fixtures between tests (cache.clear() needs no
# database); the database cache is tested on its own (core/tests/test_ratelimit.py) and across
# processes behind nginx (core/tests/test_reverse_proxy.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "citydesk-tests"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "citydesk-local"},
}
CITYDESK_PAGE_CACHE = ""  # off for the suite; newsroom/tests/test_page_cache.py turns it on
