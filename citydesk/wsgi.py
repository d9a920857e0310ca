"""WSGI entry point (waitress in `manage.py serve` and in production)."""

import os

from django.core.wsgi import get_wsgi_application

from citydesk.core.threads import limit_native_threads

limit_native_threads()  # before anything loads the e5 encoder (citydesk/core/threads.py)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citydesk.settings.base")
django_application = get_wsgi_application()

# A public page in the page cache is answered before Django's handler (newsroom/pagecache.py,
# CachedPages: the same rules and key as PageCacheMiddleware, which still renders and stores misses).
from citydesk.newsroom.pagecache import CachedPages  # noqa: E402  (needs the apps loaded above)

application = CachedPages(django_application)

# Only the serving process imports this module (tests use Django's own handler): load the claim
# matcher now, in the background, rather than on the first tip (about 3 s).
from citydesk.desk.matcher import warm_in_background  # noqa: E402  (needs the apps loaded above)

warm_in_background("web")
