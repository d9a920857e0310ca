"""Public pages from a shared cache, for the day a rumour spreads and thousands open the same links.

What is cached: the rendered home, topic, article, Kiểm chứng index (and methodology) and clarification
pages, for anonymous GETs only (no session or messages cookie, no Authorization header, no query
parameter but the page number and tracking tags), and only responses that set no cookie (a page that
used a CSRF token, the session or a CSP nonce is never stored). Entries live in Django's cache framework, in the
cache named by CITYDESK_PAGE_CACHE (database or Redis: it must be shared by every process).

Invalidation is a generation: every key holds the current generation token, and any change to what a
public page shows (a page published, unpublished, moved or deleted, a verdict approved, a correction,
a comment approved, a contributor renamed...) replaces the token, at once and again after the commit,
so the next request renders afresh. A request stores its page under the generation it read *before*
rendering, so a render that raced with a change is stored under a token nobody asks for any more.

Each process also keeps copies of the entries it served (CITYDESK_PAGE_CACHE_COPIES, by key, so by
generation): a hit then costs one read of the generation token from the shared store, never the page
itself. The token is read on every request, so a change made by any process shows on the very next
request in every process; the copies of an older generation are dropped when a new one is seen.

With a CDN or Varnish configured (WAGTAILFRONTENDCACHE, from CITYDESK_FRONTEND_CACHE_URL), the same
changes purge the affected URLs in both languages after the commit.
"""

import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.db import DatabaseError, close_old_connections, transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.http.request import split_domain_port
from django.utils.http import http_date

from citydesk.core.dbcache import isolated

logger = logging.getLogger(__name__)

GENERATION_KEY = "citydesk:pages:generation"
PAGE_PARAM = "trang"
TRACKING_PARAMS = {"fbclid", "gclid", "zarsrc", "zaloapp", "_ga", "ref", "igshid"}
HIT_HEADER = "X-Page-Cache"
# Headers a stored page does not keep: this response's own, or set again on every answer.
PER_RESPONSE = {"x-request-id", HIT_HEADER.lower(), "etag", "last-modified", "cache-control", "content-length"}


def generation_cache():
    """The shared cache that holds the generation token: the page cache's, else the default cache (the
    site-wide fragments use the token even when whole pages are not cached); None when it is a
    per-process LocMem cache outside tests and benchmarks."""
    cache = caches[settings.CITYDESK_PAGE_CACHE or "default"]
    if isinstance(cache, LocMemCache) and not settings.CITYDESK_PAGE_CACHE_LOCAL:
        return None  # one copy per process: a publish by the scheduler would not reach the web processes
    return cache


def page_cache():
    """The cache that holds public pages, or None when the page cache is off."""
    return generation_cache() if settings.CITYDESK_PAGE_CACHE else None


def _new_generation(cache) -> None:
    try:
        with isolated(cache):
            cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # any backend's failure; entries expire after CITYDESK_PAGE_CACHE_SECONDS
        logger.exception("page cache: the generation could not be replaced")


def bump_generation() -> None:
    """Make every cached page and fragment stale: now (for this process) and again after the commit
    (for the others)."""
    cache = generation_cache()
    if cache is None:
        return
    _new_generation(cache)
    transaction.on_commit(lambda: _new_generation(cache))


class _TokenRow:
    """The generation token read from a database cache in one plain query (Django's DatabaseCache.get
    builds a model field, converts the expiry date and unpickles the value on every call: three times the
    query's own cost). The row is compared with the one read last; only a changed row goes through
    cache.get. The token is always written without an expiry, so an unchanged row is still valid.

    On SQLite and PostgreSQL the query runs on the DB-API cursor of Django's connection, inside Django's
    error wrapper (so a failure marks the connection for the next close_old_connections, as any query
    does) and after its health check: Django's cursor wrapper and placeholder rewriting cost three times
    the query. When anything watches the connection's queries (a test's CaptureQueriesContext, DEBUG, an
    execute_wrapper), the query goes through Django's cursor instead."""

    PLACEHOLDERS = {"sqlite": "?", "postgresql": "%s"}

    def __init__(self):
        self._last = (None, None)  # (row, token), replaced in one assignment
        self._statements = {}  # (alias, table, key prefix, version) -> (sql, sql for the driver or None, key)

    def _statement(self, cache, connection):
        which = (connection.alias, cache._table, cache.key_prefix, cache.version)
        found = self._statements.get(which)
        if found is None:
            quote = connection.ops.quote_name
            sql = (
                f"SELECT {quote('value')}, {quote('expires')} FROM {quote(cache._table)} "  # noqa: S608 (names only)
                f"WHERE {quote('cache_key')} = %s"
            )
            placeholder = self.PLACEHOLDERS.get(connection.vendor)
            driver_sql = sql.replace("%s", placeholder) if placeholder else None
            found = (sql, driver_sql, cache.make_and_validate_key(GENERATION_KEY))
            self._statements[which] = found
        return found

    def read(self, cache) -> str | None:
        from django.db import connections, router

        connection = connections[router.db_for_read(cache.cache_model_class)]
        sql, driver_sql, key = self._statement(cache, connection)
        if driver_sql is None or connection.queries_logged or connection.execute_wrappers:
            with connection.cursor() as cursor:
                cursor.execute(sql, [key])
                row = cursor.fetchone()
        else:
            with connection.wrap_database_errors:
                connection.close_if_health_check_failed()
                connection.ensure_connection()
                cursor = connection.connection.cursor()
                try:
                    cursor.execute(driver_sql, (key,))
                    row = cursor.fetchone()
                finally:
                    cursor.close()
        last_row, last_token = self._last
        if row is not None and row == last_row:
            return last_token
        token = cache.get(GENERATION_KEY)
        if row is not None and token is not None:
            self._last = (row, token)
        return token


_token_row = _TokenRow()


def _generation(cache) -> str:
    generation = _token_row.read(cache) if isinstance(cache, DatabaseCache) else cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, generation, None):
            generation = cache.get(GENERATION_KEY) or generation
    return generation


def current_generation(request, cache=None) -> str | None:
    """The generation token, read once per request (None without a shared cache or when it does not
    answer: then nothing is served from memory). cache: generation_cache(), when the caller has it."""
    if not hasattr(request, "_citydesk_generation"):
        request._citydesk_generation = generation_now(cache)
    return request._citydesk_generation


def generation_now(cache=None) -> str | None:
    """The generation token read now (outside a request: e.g. the tipline's worker), or None without a
    shared cache or when it does not answer."""
    cache = cache or generation_cache()
    if cache is None:
        return None
    try:
        with isolated(cache):
            return _generation(cache)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return None


class _Fragments:
    """Site-wide parts every page needs (the navigation, which page a path leads to), built once per
    generation in each process: a change that bumps the generation rebuilds them on the next request.
    They are also rebuilt after CITYDESK_PAGE_CACHE_SECONDS, as long as a shared page may live: a bump
    whose write failed (the cache was down) leaves stale parts no longer than a stale page."""

    LIMIT = 5000

    def __init__(self):
        self._lock = threading.Lock()
        self._values: dict = {}
        self._generation = None
        self._since = 0.0

    def get(self, generation: str, key):
        with self._lock:
            now = time.monotonic()
            if generation != self._generation or now - self._since > settings.CITYDESK_PAGE_CACHE_SECONDS:
                self._values.clear()
                self._generation, self._since = generation, now
            return self._values.get(key)

    def put(self, generation: str, key, value) -> None:
        with self._lock:
            if generation != self._generation:
                return
            if len(self._values) >= self.LIMIT:
                self._values.clear()
            self._values[key] = value

    def remember(self, request, key, build):
        """build() once per generation (and key); without a generation, every time."""
        return self.remember_for(current_generation(request), key, build)

    def remember_for(self, generation: str | None, key, build):
        if generation is None:
            return build()
        value = self.get(generation, key)
        if value is None:
            value = build()
            self.put(generation, key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._generation = None


fragments = _Fragments()


class RouteMemoMiddleware:
    """Which site and page a public path leads to is the same for every reader: remembered per
    generation, so a render loads its page in one query instead of walking the tree (Wagtail's routing
    reads each level, then each page again for its specific type). Put it after PageCacheMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from wagtail.models import Site
        from wagtail.url_routing import RouteResult

        known = None
        generation = current_generation(request) if request.method in ("GET", "HEAD") else None
        if generation is not None:
            key = ("route", cache_host(request), request.path)
            known = self._replay(request, fragments.get(generation, key), RouteResult)
            # Every page URL on the page is made from the sites' root paths (Wagtail reads them from
            # the default cache, the database's, once per request).
            try:
                request._wagtail_cached_site_root_paths = fragments.remember(
                    request, ("site_root_paths",), Site.get_site_root_paths
                )
            except DatabaseError:  # Wagtail asks again if a page needs them
                logger.warning("site root paths unavailable", exc_info=True)
        response = self.get_response(request)
        if generation is not None and known is None and response.status_code == 200:
            route = getattr(request, "_wagtail_route_for_request", None)
            page = route.page if route is not None else None
            if page is not None and not route.args and not route.kwargs and page.live:
                fragments.put(generation, key, (request._wagtail_site, type(page), page.pk))
        return response

    @staticmethod
    def _replay(request, known, route_result):
        from wagtail.models import Page

        if known is None:
            return None
        site, model, pk = known
        pages = model.objects.filter(pk=pk, live=True)
        if getattr(model, "route_select_related", None):
            pages = pages.select_related(*model.route_select_related)
        page = pages.first()
        if page is None:
            return None  # Wagtail routes it again (and answers 404)
        page._citydesk_generation = request._citydesk_generation  # see PublicPageCacheMixin
        if page.depth > 2:  # its parent (a topic, the Kiểm chứng index), as Wagtail's routing leaves it
            parent_path = page.path[: -page.steplen]
            page._cached_parent_obj = fragments.remember(
                request, ("page", parent_path), lambda: Page.objects.get(path=parent_path).specific
            )
        request._wagtail_site = site
        request._wagtail_route_for_request = route_result(page)
        return known


class _Copies:
    """This process's copies of shared entries, for the generation it saw last (least recently used
    dropped first). Keys hold the generation, so a copy is never served after the token changed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: OrderedDict = OrderedDict()
        self._generation = None

    def get(self, generation: str, key: str):
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self._generation = generation
                return None
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.time() - entry["modified"] > settings.CITYDESK_PAGE_CACHE_SECONDS:
                del self._entries[key]  # as old as the shared entry may live
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, generation: str, key: str, entry: dict) -> None:
        size = settings.CITYDESK_PAGE_CACHE_COPIES
        with self._lock:
            if size <= 0 or generation != self._generation:
                return  # a render of an older generation, or a new one nobody here has read yet
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation = None


_copies = _Copies()


def _keeps_copies(cache) -> bool:
    return not isinstance(cache, LocMemCache)  # a LocMem cache is this process's memory already


# The rules below decide, for both entries (the WSGI application in citydesk/wsgi.py and
# PageCacheMiddleware), what may be served from the cache and under which key. They read a Django
# request: the WSGI entry makes one from the environ (WSGIRequest, without the handler, its signals or
# the middleware), so the scheme, the host (checked against ALLOWED_HOSTS), the cookies and the query
# string are parsed by the same code as for every other request.


def _eligible_page_number(request) -> str | None:
    """The page number the cache key needs, or None when the request must not use the cache."""
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return None
    if settings.STATIC_URL and request.path.startswith(settings.STATIC_URL):
        return None  # WhiteNoise's
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    number = ""
    for name, value in request.GET.items():
        if name == PAGE_PARAM:
            number = value
        elif not (name in TRACKING_PARAMS or name.startswith("utm_")):
            return None  # e.g. ?q= is echoed in the header's search box
    if len(request.GET.getlist(PAGE_PARAM)) > 1 or not (number == "" or (number.isascii() and number.isdigit())):
        return None
    if number:
        # One entry per page number however it is written ("02", "002"); a huge one is no list page.
        number = number.lstrip("0") or "0"
        if len(number) > MAX_PAGE_DIGITS:
            return None
    return "" if number == "1" else number


MAX_PAGE_DIGITS = 4  # ?trang=9999 at most is cached


def cache_host(request) -> str:
    """The host as the cache keys hold it: lower case, no trailing dot, no default port ("LocalHost.",
    "localhost:80" and "localhost" are one site, not three entries of every page). Validated by
    request.get_host() against ALLOWED_HOSTS first."""
    domain, port = split_domain_port(request.get_host())
    domain = domain.lower().rstrip(".")
    if not port or port == ("443" if request.scheme == "https" else "80"):
        return domain
    return f"{domain}:{int(port)}"


def _key(generation: str, request, number: str) -> str:
    # The scheme: a page rendered for https carries Strict-Transport-Security.
    path = hashlib.sha256(f"{request.scheme}://{cache_host(request)}{request.path}?{number}".encode()).hexdigest()
    return f"citydesk:page:{generation}:{path}"


def _lookup(request, number: str, cache):
    """(cache, generation, key, entry) for an eligible request and page_cache(): entry None is a miss,
    cache None a cache that is off or does not answer (then nothing is stored either)."""
    if cache is None:
        return None, None, None, None
    try:
        generation = current_generation(request, cache)  # read before rendering: see the docstring
        if generation is None:
            raise ConnectionError("the generation could not be read")
        key = _key(generation, request, number)
        entry = _copies.get(generation, key) if _keeps_copies(cache) else None
        if entry is None:
            entry = cache.get(key)
            if entry is not None and _keeps_copies(cache):
                _copies.put(generation, key, entry)
    except DisallowedHost:  # Django answers it (400) and logs it
        return None, None, None, None
    except Exception:  # a cache that does not answer (its database is down) is a miss
        logger.warning("page cache unavailable", exc_info=True)
        return None, None, None, None
    return cache, generation, key, entry


def mark_cacheable(response, *, article_id: int | None = None):
    """Called by the page types that may be cached (see PublicPageCacheMixin)."""
    response.citydesk_page_cache = {"article_id": article_id}
    return response


def _caching_headers(etag: str, modified: float) -> tuple:
    return (
        ("ETag", etag),
        ("Last-Modified", http_date(modified)),
        ("Cache-Control", f"public, max-age=0, s-maxage={settings.CITYDESK_PAGE_SHARED_MAX_AGE}"),
    )


def _matches(request, etag: str) -> bool:
    given = request.META.get("HTTP_IF_NONE_MATCH")
    return bool(given) and etag in [tag.strip() for tag in given.split(",")]


def _not_modified(request, etag: str, modified: float, headers):
    if _matches(request, etag):
        response = HttpResponseNotModified()
        for name, value in headers:
            if name.lower() != "content-type":
                response[name] = value
        for name, value in _caching_headers(etag, modified):
            response[name] = value
        return response
    return None


def _prepared(entry: dict):
    """The headers of a hit (the stored ones, then the caching headers and X-Page-Cache), for a 200 and
    for a 304 (without Content-Type): made once per copy this process keeps."""
    prepared = entry.get("prepared")
    if prepared is None:
        caching = (*_caching_headers(entry["etag"], entry["modified"]), (HIT_HEADER, "hit"))
        full = (*entry["headers"], *caching, ("Content-Length", str(len(entry["content"]))))
        bare = (*(pair for pair in entry["headers"] if pair[0].lower() != "content-type"), *caching)
        prepared = entry["prepared"] = (full, bare)
    return prepared


def _answer(request, entry: dict, started: float) -> tuple[int, list, bytes]:
    """A hit, for either entry: (status, headers, body), the read counted, its X-Request-ID, access-log
    line and request metrics (citydesk.ops.middleware.answered)."""
    from citydesk.ops.middleware import answered

    if entry["article_id"] and request.method == "GET":
        from .models import ArticleRead

        ArticleRead.record_id(entry["article_id"])
    full, bare = _prepared(entry)
    if _matches(request, entry["etag"]):
        status, headers, body = 304, [*bare], b""
    else:
        status, headers = 200, [*full]
        body = b"" if request.method == "HEAD" else entry["content"]
    headers.append(("X-Request-ID", answered(request, status, started)))
    return status, headers, body


STATUS_LINES = {200: "200 OK", 304: "304 Not Modified"}
# Set by the WSGI entry on a miss: (generation, key), so the middleware does not read the token and
# look the entry up again. Not an HTTP_ key: no request header can set it.
MISS = "citydesk.page_cache.miss"


def cached_answer(environ) -> tuple[str, list, bytes] | None:
    """A hit answered from the WSGI environ, before Django's handler: (status line, headers, body), or
    None when the request is not eligible or is a miss (then the handler renders it and stores it)."""
    from django.core.handlers.wsgi import WSGIRequest

    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None  # as _eligible_page_number says, without a request object Django's handler makes again
    started = time.monotonic()
    request = WSGIRequest(environ)
    number = _eligible_page_number(request)
    cache = page_cache() if number is not None else None
    if cache is None:
        return None
    # As the handler's request_started and request_finished do: a connection past its age, or broken,
    # is closed (and, with CONN_HEALTH_CHECKS, checked on its first use), so a thread that only serves
    # hits does not keep a dead connection.
    close_old_connections()
    try:
        cache, generation, key, entry = _lookup(request, number, cache)
        if entry is None:
            if cache is not None:  # a miss: the middleware renders and stores it under this key
                environ[MISS] = (generation, key)
            return None
        status, headers, body = _answer(request, entry, started)
    finally:
        close_old_connections()
    return STATUS_LINES[status], headers, body


class CachedPages:
    """WSGI application around Django's (citydesk/wsgi.py): a hit is answered here, without Django's
    handler (its request object and signals, the middleware chain, the response object); everything else,
    misses included, goes to Django, where PageCacheMiddleware stores the page. Same rules, key and
    answer as the middleware (_eligible_page_number, _key, _lookup, _answer)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            answer = cached_answer(environ)
        except SuspiciousOperation:  # e.g. too many query fields: Django answers it (400) and logs it
            answer = None
        except Exception:  # never worse than no cache: Django answers
            logger.exception("page cache: a hit could not be answered")
            answer = None
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]


class PageCacheMiddleware:
    """Serves and stores cacheable public pages. It comes first in MIDDLEWARE: a hit is answered before
    any other middleware runs, with the headers the whole chain gave the page when it was rendered
    (security headers, Content-Security-Policy, X-Frame-Options, Content-Language, Vary), a new
    X-Request-ID, its access-log line and its request metrics (citydesk.ops.middleware.answered).
    Behind citydesk/wsgi.py, CachedPages answers hits first; this answers them for other entries (Django's
    test client, runserver) and stores every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        number = _eligible_page_number(request)
        if number is None:
            return self.get_response(request)
        missed = request.environ.pop(MISS, None)
        if missed is not None:  # CachedPages has just looked it up (citydesk/wsgi.py)
            (generation, key), cache, entry = missed, page_cache(), None
            request._citydesk_generation = generation  # current_generation() for the render's fragments
        else:
            cache, generation, key, entry = _lookup(request, number, page_cache())
        if entry is not None:
            status, headers, body = _answer(request, entry, started)
            response = HttpResponseNotModified() if status == 304 else HttpResponse(body)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        marker = getattr(response, "citydesk_page_cache", None)
        if marker is None or response.status_code != 200 or response.streaming:
            return response
        if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return response  # the page used the session or a CSRF token: it is not the same for everyone
        if getattr(request, "_csp_nonce", None) is not None:
            return response  # a CSP nonce in the HTML is this response's only: a copy would not match its header
        etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
        modified = time.time()
        headers = tuple((name, value) for name, value in response.items() if name.lower() not in PER_RESPONSE)
        if cache is not None:
            entry = {
                "content": response.content,
                "headers": headers,
                "etag": etag,
                "modified": modified,
                "article_id": marker["article_id"],
            }
            try:
                cache.set(key, entry, settings.CITYDESK_PAGE_CACHE_SECONDS)
                if _keeps_copies(cache):
                    _copies.put(generation, key, entry)
            except Exception:  # the reader still gets the page
                logger.warning("page cache: the page could not be stored", exc_info=True)
            response[HIT_HEADER] = "miss"
        for name, value in _caching_headers(etag, modified):
            response[name] = value
        not_modified = _not_modified(request, etag, modified, response.items())
        return not_modified or response


class PublicPageCacheMixin:
    """For page types whose public rendering is the same for every anonymous reader."""

    def get_view_restrictions(self):
        """Wagtail's check (two queries: the ancestors, then their restrictions) is skipped for a page
        loaded by a remembered route while no page of any site has a view restriction: that fact is
        remembered per generation, and adding or removing a restriction replaces the generation."""
        from wagtail.models import PageViewRestriction

        generation = getattr(self, "_citydesk_generation", None)
        if generation is not None:
            any_restriction = fragments.remember_for(
                generation, ("any_view_restriction",), PageViewRestriction.objects.exists
            )
            if not any_restriction:
                return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if page_cache() is None or getattr(request, "is_preview", False) or self.get_view_restrictions().exists():
            return response
        article_id = self.pk if getattr(self, "counts_reads", False) else None
        return mark_cacheable(response, article_id=article_id)


def purge_frontend(urls) -> None:
    """Ask the CDN or Varnish to drop these absolute URLs (after the commit; errors are logged)."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    urls = sorted(set(urls))
    if urls:
        transaction.on_commit(lambda: purge_urls_from_cache(urls))


# --- What changes a public page ------------------------------------------------------------------

# Models whose rows public pages show, beyond the pages themselves: any save or delete bumps the
# generation. Reports and feed appearances are left out on purpose (a surge adds hundreds a minute;
# the clarification's ClaimReview lists their links and catches up within CITYDESK_PAGE_CACHE_SECONDS).
SHOWN_MODELS = {
    "core.unit",
    "core.contributorprofile",
    "desk.verdict",
    "desk.correction",
    "desk.evidence",
    "desk.evidencesnapshot",
    "newsroom.articlecorrection",
    "desk.trendingpin",
    "community.comment",
    "community.story",
    "community.flag",
    "community.member",
    "wagtailimages.image",
    "wagtailcore.site",
    "wagtailcore.pageviewrestriction",  # a page made private must not be served from a copy
}
CLAIM_FIELDS_SHOWN = {"status", "statement", "category"}


def page_urls(page, *, with_ancestors: bool = True) -> list[str]:
    """Absolute URLs of a page (and the listings above it) in both languages."""
    from wagtail.models import Page

    from .share import EN_PREFIX

    pages = [page]
    if with_ancestors:
        pages += list(Page.objects.ancestor_of(page).filter(depth__gte=2))
    urls = []
    for item in pages:
        parts = item.get_url_parts()
        if parts is None:
            continue
        _site_id, root, path = parts
        paths = [path, EN_PREFIX + path]
        if item.specific_class.__name__ == "FactCheckIndexPage":
            paths += [path + "phuong-phap/", EN_PREFIX + path + "phuong-phap/"]
        urls += [root.rstrip("/") + each for each in paths]
    return urls


def _all_live_urls() -> list[str]:
    from wagtail.models import Page

    urls = []
    for page in Page.objects.live().public().filter(depth__gte=2).specific(defer=True):
        urls += page_urls(page, with_ancestors=False)
    return urls


def _claim_page_urls(claim_id) -> list[str]:
    from citydesk.desk.models import ClarificationPage

    page = ClarificationPage.objects.filter(claim_id=claim_id).first()
    return page_urls(page) if page is not None else []


def _on_save_or_delete(sender, instance, **kwargs):
    from wagtail.models import Page

    if sender.__module__ == "__fake__":
        return  # a migration's historical model: nothing is cached before the site exists (nor its table)
    label = sender._meta.label_lower
    if isinstance(instance, Page):
        bump_generation()
        return
    if label == "desk.claim":
        if kwargs.get("created") and getattr(instance, "status", "") == "new":
            return  # a claim the desk has just opened (a surge opens them by the hundred): no public page shows it
        fields = kwargs.get("update_fields")
        if fields is not None and not (set(fields) & CLAIM_FIELDS_SHOWN):
            return  # report counts and dates change on every report; no public page shows them
        bump_generation()
        if getattr(instance, "status", "") != "new":
            purge_frontend(_claim_page_urls(instance.pk))
        return
    if label not in SHOWN_MODELS:
        return
    bump_generation()
    if getattr(instance, "claim_id", None):
        purge_frontend(_claim_page_urls(instance.claim_id))
    elif label == "newsroom.articlecorrection":
        purge_frontend(page_urls(instance.article))
    elif label == "community.comment" and instance.page_id:
        purge_frontend(page_urls(instance.page.specific, with_ancestors=False))


def _on_page_change(sender, instance, **kwargs):
    bump_generation()
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        purge_frontend(_all_live_urls() if instance.depth <= 3 else page_urls(instance))


def _on_page_move(sender, instance, url_path_before="", **kwargs):
    bump_generation()
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from .share import EN_PREFIX

    urls = page_urls(instance)  # the page where it is now, and its new listings
    parts = instance.get_url_parts()
    if parts is not None and url_path_before:
        _site_id, root, path = parts
        site_prefix = instance.url_path[: len(instance.url_path) - len(path)]  # e.g. "/trang-chu"
        if url_path_before.startswith(site_prefix):
            old = url_path_before[len(site_prefix) :]
            urls += [root.rstrip("/") + old, root.rstrip("/") + EN_PREFIX + old]  # where readers had it
    purge_frontend(urls)


def connect_signals() -> None:
    """Called once from NewsroomConfig.ready."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(_on_save_or_delete, dispatch_uid="citydesk-pagecache-save")
    post_delete.connect(_on_save_or_delete, dispatch_uid="citydesk-pagecache-delete")
    page_published.connect(_on_page_change, dispatch_uid="citydesk-pagecache-published")
    page_unpublished.connect(_on_page_change, dispatch_uid="citydesk-pagecache-unpublished")
    post_page_move.connect(_on_page_move, dispatch_uid="citydesk-pagecache-moved")
