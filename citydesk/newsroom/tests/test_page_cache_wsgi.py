"""Public pages from the cache through the WSGI entry (citydesk/wsgi.py: CachedPages around Django's handler),
over HTTP to a real waitress server on 127.0.0.1: a hit is answered without Django's handler, with everything
a hit through the middleware gives (stored security headers, a fresh X-Request-ID, the access-log line and
the metrics, 304 and HEAD, the read count), and the generation is read on every hit (no stale read)."""

import re
import threading
from dataclasses import dataclass, field

import pytest
import requests
from django.core.cache import caches
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import connections
from prometheus_client import REGISTRY
from waitress import create_server, wasyncore

from citydesk.newsroom import pagecache, services
from citydesk.newsroom.models import ArticleRead
from citydesk.ops.tests.capture import access_lines

from .test_page_cache import CARRIED_HEADERS

TABLE = "citydesk_test_wsgi_pages"


@dataclass
class Served:
    base: str
    django_calls: list = field(default_factory=list)  # paths that reached Django's handler

    def get(self, path, **kwargs):
        return requests.get(self.base + path, timeout=30, **kwargs)


@pytest.fixture
def served(transactional_db, settings):
    """CachedPages around Django's handler, as citydesk/wsgi.py builds it, behind waitress on a free port;
    pages in the database cache (the embedded default), so the copies and the token read are the real ones."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "citydesk-local"},
        "pages": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": TABLE},
    }
    settings.CITYDESK_PAGE_CACHE, settings.CITYDESK_PAGE_CACHE_LOCAL = "pages", False
    call_command("createcachetable", TABLE, verbosity=0)
    caches["pages"].clear()
    pagecache._copies.clear()
    pagecache.fragments.clear()
    django_application = get_wsgi_application()
    result = Served(base="")

    def django_handler(environ, start_response):
        result.django_calls.append(environ["PATH_INFO"])
        return django_application(environ, start_response)

    application = pagecache.CachedPages(django_handler)

    def closing_connections(environ, start_response):
        try:
            return application(environ, start_response)
        finally:
            connections.close_all()  # the server's thread holds no connection when the test database goes

    server = create_server(closing_connections, host="127.0.0.1", port=0, threads=1)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    result.base = f"http://127.0.0.1:{server.effective_port}"
    try:
        yield result
    finally:
        server.task_dispatcher.shutdown()
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))  # in the loop's own thread
        thread.join(timeout=10)
        caches["pages"].clear()
        pagecache._copies.clear()
        pagecache.fragments.clear()


def is_hit(response) -> bool:
    return response.headers.get(pagecache.HIT_HEADER) == "hit"


WRAPPED = (
    "import citydesk.wsgi as entry; from citydesk.newsroom.pagecache import CachedPages; "
    "print(isinstance(entry.application, CachedPages), entry.application.application is entry.django_application)"
)


def test_the_production_server_answers_hits_from_the_wsgi_entry_with_their_access_lines(tmp_path):
    """citydesk/wsgi.py as `manage.py serve` starts it (waitress, its own process, the database cache)."""
    import subprocess

    from citydesk.conftest import ProcessDatabase
    from citydesk.core.management.commands.serve import web_command
    from citydesk.core.processes import ROOT, free_port, manage
    from citydesk.core.tests.test_reverse_proxy import wait_for_port

    settings_module = {"DJANGO_SETTINGS_MODULE": "citydesk.newsroom.tests.wsgi_settings", "CITYDESK_MATCHING": "0"}
    database = ProcessDatabase(tmp_path, "wsgihits", settings_module)
    database.reset()
    wrapped = manage(database.env, "shell", "-c", WRAPPED)
    assert wrapped.stdout.split() == ["True", "True"], wrapped.stderr[-1500:]
    port, log = free_port(), tmp_path / "waitress.log"
    process = subprocess.Popen(
        web_command(f"127.0.0.1:{port}", 2), cwd=ROOT, env=database.env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(port, process, log)
        base = f"http://127.0.0.1:{port}/"
        fresh = requests.get(base, timeout=30)
        cached = requests.get(base, timeout=30, headers={"X-Request-ID": "cached-request-0005"})
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert fresh.status_code == 200 and fresh.headers[pagecache.HIT_HEADER] == "miss"
    assert is_hit(cached) and cached.content == fresh.content
    assert cached.headers["Content-Security-Policy"] == fresh.headers["Content-Security-Policy"]
    access = re.findall(r"^\S+ INFO citydesk\.access \[([^\]]+)\] GET / 200 [0-9.]+ms$", log.read_text(), re.M)
    assert len(access) == 2 and access[1] == "cached-request-0005"


def test_a_hit_is_answered_before_djangos_handler_with_the_stored_headers(served, make_article):
    article = make_article(title="Cảnh báo lừa đảo", publish=True)
    fresh = served.get(article.url, headers={"X-Request-ID": "fresh-request-0001"})
    assert fresh.status_code == 200 and fresh.headers[pagecache.HIT_HEADER] == "miss"
    assert served.django_calls == [article.url]
    cached = served.get(article.url, headers={"X-Request-ID": "cached-request-0002"})
    other = served.get(article.url)
    assert is_hit(cached) and is_hit(other)
    assert served.django_calls == [article.url]  # neither hit reached Django's handler
    assert cached.content == fresh.content and "Cảnh báo lừa đảo" in cached.text
    for header in ("Content-Type", *CARRIED_HEADERS):
        assert cached.headers[header] == fresh.headers[header], header
    assert int(cached.headers["Content-Length"]) == len(fresh.content)
    assert cached.headers["X-Request-ID"] == "cached-request-0002"  # the proxy's id, when well formed
    assert re.fullmatch(r"[0-9a-f]{32}", other.headers["X-Request-ID"])  # else a fresh one per hit
    third = served.get(article.url)
    assert third.headers["X-Request-ID"] != other.headers["X-Request-ID"]
    assert "Set-Cookie" not in cached.headers


def test_a_hit_gets_304_and_head_without_a_body_and_counts_only_real_reads(served, make_article):
    article = make_article(publish=True)
    fresh = served.get(article.url)
    reads_before = sum(ArticleRead.objects.filter(article=article).values_list("count", flat=True))
    not_modified = served.get(article.url, headers={"If-None-Match": fresh.headers["ETag"]})
    assert not_modified.status_code == 304 and is_hit(not_modified) and not_modified.content == b""
    assert "Content-Type" not in not_modified.headers
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "ETag", "Cache-Control"):
        assert not_modified.headers[header] == fresh.headers[header], header
    head = requests.head(served.base + article.url, timeout=30)
    assert head.status_code == 200 and is_hit(head) and head.content == b""
    assert int(head.headers["Content-Length"]) == len(fresh.content)
    assert served.get(article.url, headers={"If-None-Match": '"another"'}).status_code == 200
    assert served.django_calls == [article.url]
    reads = sum(ArticleRead.objects.filter(article=article).values_list("count", flat=True))
    assert reads == reads_before + 2  # the 304 and the full GET; not the HEAD


def test_a_hit_writes_its_access_line_and_is_counted_in_the_metrics(served, make_article):
    article = make_article(publish=True)
    served.get(article.url)
    labels = {"view": "unresolved", "method": "GET", "status": "200"}
    before = REGISTRY.get_sample_value("citydesk_http_requests_total", labels) or 0
    with access_lines() as lines:
        response = served.get(article.url, headers={"X-Request-ID": "cached-request-0003"})
    assert is_hit(response) and served.django_calls == [article.url]
    [line] = lines
    assert (line["request_id"], line["route"], line["status"], line["method"]) == (
        "cached-request-0003",
        article.url,
        200,
        "GET",
    )
    assert REGISTRY.get_sample_value("citydesk_http_requests_total", labels) == before + 1


def test_a_change_shows_on_the_very_next_request_through_the_wsgi_entry(served, make_article):
    article = make_article(title="Bản tin sáng", publish=True)
    served.get(article.url)
    assert is_hit(served.get(article.url))
    article.title = "Bản tin chiều"
    article.save_revision()
    services.article_publish(article=article, user=None)  # committed: the generation is replaced
    response = served.get(article.url)
    assert not is_hit(response) and "Bản tin chiều" in response.text and "Bản tin sáng" not in response.text
    again = served.get(article.url)
    assert is_hit(again) and "Bản tin chiều" in again.text
    # Another process's change (it only writes the shared token): the next hit here sees it too.
    caches["pages"].set(pagecache.GENERATION_KEY, "from-another-process", None)
    assert not is_hit(served.get(article.url))


def test_requests_the_cache_must_not_answer_reach_django(served, make_article, settings):
    article = make_article(publish=True)
    served.get(article.url)
    assert is_hit(served.get(article.url))
    calls = len(served.django_calls)
    with_session = served.get(article.url, cookies={settings.SESSION_COOKIE_NAME: "abc"})
    searched = served.get(article.url + "?q=bao")
    tracked = served.get(article.url + "?utm_source=zalo&fbclid=1")
    posted = requests.post(served.base + article.url, timeout=30)
    authorised = served.get(article.url, headers={"Authorization": "Bearer x"})
    assert not any(map(is_hit, (with_session, searched, posted, authorised)))
    assert is_hit(tracked)  # tracking tags share the entry
    assert len(served.django_calls) == calls + 4
    wrong_host = served.get(article.url, headers={"Host": "evil.example"})
    assert wrong_host.status_code == 400 and not is_hit(wrong_host)  # Django's answer to a host not allowed
    fields = "&".join(f"utm_{number}=x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    too_many = served.get(f"{article.url}?{fields}")
    assert too_many.status_code == 400 and not is_hit(too_many)  # Django's answer, not an error


def test_a_cache_that_does_not_answer_is_a_miss_not_an_error(served, make_article):
    from django.db import connection

    article = make_article(publish=True)
    served.get(article.url)
    assert is_hit(served.get(article.url))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")  # the cache's table is gone (its database is broken)
    try:
        response = served.get(article.url)
        assert response.status_code == 200 and not is_hit(response)
        assert served.django_calls[-1] == article.url
    finally:
        call_command("createcachetable", TABLE, verbosity=0)
