"""Public pages from the cache: hits, HTTP caching headers, and no stale read after any change."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone

from citydesk.community import services as community
from citydesk.community.models import Member
from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.desk import services as desk
from citydesk.desk.models import Channel, HarmCategory
from citydesk.newsroom import pagecache
from citydesk.newsroom.models import ArticleRead, TopicPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.CITYDESK_PAGE_CACHE = "default"
    settings.CITYDESK_PAGE_CACHE_LOCAL = True  # LocMem in tests: one process
    caches["default"].clear()
    yield
    caches["default"].clear()


def get(client, path, **extra):
    response = client.get(path, **extra)
    return response, response.content.decode()


def hit(response) -> bool:
    return response.get(pagecache.HIT_HEADER) == "hit"


@pytest.fixture
def people(unit):
    return {
        "verifier": make_user("kiemchung", roles.DESK_VERIFIER, unit=unit),
        "lead": make_user("truongnhom", roles.DESK_LEAD),
        "moderator": make_user("dieuphoi", roles.MODERATOR),
    }


def published_clarification(people, text="Uống nước chanh nóng chữa khỏi sốt xuất huyết"):
    claim = desk.report_receive(channel=Channel.WEB, text=text, category=HarmCategory.HEALTH).claim
    desk.evidence_add(claim=claim, actor=people["verifier"], url="https://moh.gov.vn/sxh", title="Bộ Y tế")
    desk.verdict_propose(
        claim=claim, verifier=people["verifier"], rating="false", summary="Không chữa được.", explanation="Bộ Y tế."
    )
    return desk.verdict_approve(claim=claim, approver=people["lead"])


def test_second_anonymous_read_comes_from_the_cache_with_caching_headers(client, make_article):
    article = make_article(title="Bài đầu", publish=True)
    first, html = get(client, article.url)
    assert first.status_code == 200 and not hit(first)
    second, cached_html = get(client, article.url)
    assert hit(second)
    assert cached_html == html
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age=0" in second["Cache-Control"]
    assert second["Content-Type"].startswith("text/html")
    assert second["Last-Modified"]


def test_if_none_match_gets_304_without_a_body(client, make_article):
    article = make_article(publish=True)
    etag = client.get(article.url)["ETag"]
    response = client.get(article.url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert client.get(article.url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_reads_served_from_the_cache_are_counted(client, make_article):
    article = make_article(publish=True)
    responses = [client.get(article.url) for _ in range(3)]
    assert [hit(response) for response in responses] == [False, True, True]
    assert ArticleRead.objects.get(article=article, date=timezone.localdate()).count == 3


def test_tracking_parameters_share_the_entry_and_a_search_query_bypasses_it(client, home):
    client.get("/")
    assert hit(client.get("/?fbclid=IwAR123&utm_source=facebook"))
    assert hit(client.get("/?zarsrc=30"))
    assert not hit(client.get("/?q=b%C3%A3o"))
    assert not hit(client.get("/?q=b%C3%A3o"))  # never stored either


def test_readers_with_a_session_are_never_served_the_shared_copy(client, make_article, editor_user):
    article = make_article(publish=True)
    client.get(article.url)
    client.force_login(editor_user)
    assert not hit(client.get(article.url))


def test_a_signed_in_member_gets_the_comment_form_not_the_cached_page(client, make_article):
    article = make_article(publish=True)
    assert 'href="/cong-dong/dang-nhap/"' in get(client, article.url)[1]
    assert hit(client.get(article.url))
    member = Member.objects.create(email="an@x.vn", display_name="An")
    session = client.session
    session["community_member"] = member.pk
    session.save()
    response, html = get(client, article.url)
    assert not hit(response)
    assert "csrfmiddlewaretoken" in html


def test_a_page_rendered_while_it_changed_is_not_served_afterwards(client, home, monkeypatch):
    # The render reads the old data, then a change commits before it is stored: the next reader must
    # not get that render.
    from citydesk.newsroom.models import HomePage

    original = HomePage.get_context
    calls = []

    def racing_context(self, request, *args, **kwargs):
        context = original(self, request, *args, **kwargs)
        if not calls:
            calls.append(1)
            pagecache.bump_generation()
        return context

    monkeypatch.setattr(HomePage, "get_context", racing_context)
    client.get("/")
    assert not hit(client.get("/"))
    assert hit(client.get("/"))


def test_publishing_unpublishing_and_moving_show_on_the_very_next_request(client, commit, make_article, home, topic):
    article = make_article(title="Cảnh báo triều cường", publish=False)
    client.get("/")
    client.get(topic.url)
    commit(lambda: article.save_revision().publish())
    article.refresh_from_db()
    assert "Cảnh báo triều cường" in get(client, "/")[1]
    assert "Cảnh báo triều cường" in get(client, topic.url)[1]
    assert hit(client.get(article.url)) is False and hit(client.get(article.url))

    other = TopicPage(title="Thời tiết", slug="thoi-tiet", show_in_menus=True)
    commit(home.add_child, instance=other)
    commit(lambda: other.save_revision().publish())
    assert 'href="/thoi-tiet/"' in get(client, article.url)[1]  # the menu of every page

    commit(article.move, other, pos="last-child")
    article.refresh_from_db()
    assert "Cảnh báo triều cường" not in get(client, topic.url)[1]
    assert "Cảnh báo triều cường" in get(client, other.url)[1]
    assert client.get(article.url).status_code == 200

    url = article.url
    commit(article.unpublish)
    assert client.get(url).status_code == 404
    assert "Cảnh báo triều cường" not in get(client, "/")[1]


def test_verdict_correction_and_comment_show_on_the_very_next_request(client, commit, people, make_article):
    page = published_clarification(people)
    index_url = page.get_parent().url
    claim = page.claim
    client.get(index_url)
    client.get(page.url)
    second = commit(published_clarification, people, text="Sắp có bão cấp 17 đổ bộ vào thành phố tối nay")
    assert "Sắp có bão cấp 17" in get(client, index_url)[1]

    commit(desk.claim_reopen, claim=claim, actor=people["lead"], note="Bộ Y tế cập nhật hướng dẫn mới.")
    html = get(client, page.url)[1]
    assert "Bộ Y tế cập nhật hướng dẫn mới." in html

    member = Member.objects.create(email="an@x.vn", display_name="An", approved_posts=0)
    comment = community.post_comment(member=member, page=second, text="Cảm ơn văn phòng đã kiểm chứng nhanh.")
    assert "Cảm ơn văn phòng" not in get(client, second.url)[1]
    assert hit(client.get(second.url))
    commit(community.decide, item=comment, moderator=people["moderator"], action="approve")
    assert "Cảm ơn văn phòng" in get(client, second.url)[1]


def test_every_change_replaces_the_generation_again_after_the_commit(django_capture_on_commit_callbacks, topic):
    cache = caches["default"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        topic.title = "Sức khỏe cộng đồng"
        topic.save_revision().publish()
    during = cache.get(pagecache.GENERATION_KEY)
    assert callbacks
    for callback in callbacks:
        callback()
    assert cache.get(pagecache.GENERATION_KEY) != during


def test_new_reports_on_a_published_claim_do_not_empty_the_cache(client, people):
    page = published_clarification(people)
    client.get(page.url)
    desk.report_receive(channel=Channel.TELEGRAM, text="nước chanh nóng chữa sốt xuất huyết", claim=page.claim)
    assert hit(client.get(page.url))


def test_a_new_rumour_opened_from_a_tip_keeps_the_cache_and_an_edit_of_a_claim_still_empties_it(client, people):
    # A surge opens claims by the hundred; no public page shows a claim the desk has only opened.
    page = published_clarification(people)
    client.get(page.url)
    report = desk.report_receive(channel=Channel.TELEGRAM, text="Tối nay cúp nước toàn quận 3 trong ba ngày liền")
    assert report.claim.status == "new" and report.claim_id != page.claim_id
    assert hit(client.get(page.url))
    desk.claim_update(
        claim=report.claim,
        actor=people["verifier"],
        statement="Cúp nước ba ngày ở quận 3",
        category=HarmCategory.values[0],
    )
    assert not hit(client.get(page.url))


def test_the_page_cache_works_on_a_database_cache(client, settings, make_article, commit):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "citydesk-local"},
        "pages": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "citydesk_test_pages"},
    }
    settings.CITYDESK_PAGE_CACHE = "pages"
    settings.CITYDESK_PAGE_CACHE_LOCAL = False
    call_command("createcachetable", "citydesk_test_pages", verbosity=0)
    article = make_article(title="Bài trên bộ nhớ đệm CSDL", publish=True)
    client.get("/")
    assert hit(client.get("/"))
    fresh = make_article(title="Bài mới nhất", publish=False)
    commit(lambda: fresh.save_revision().publish())
    response, html = get(client, "/")
    assert not hit(response) and "Bài mới nhất" in html and article.title in html


def test_a_per_process_cache_is_refused_outside_tests_and_benchmarks(client, settings, home):
    settings.CITYDESK_PAGE_CACHE_LOCAL = False
    client.get("/")
    assert pagecache.HIT_HEADER not in client.get("/")


def test_pages_that_need_no_data_render_while_the_database_and_its_cache_are_down(client, database_page_cache, home):
    from django.db import OperationalError, connection

    client.get("/tim-kiem/")  # the navigation is remembered while the database answers

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    with connection.execute_wrapper(refuse):
        response = client.get("/hoi-dap-kiem-chung/")
    assert response.status_code == 200
    assert '<link rel="canonical" href="http://127.0.0.1:8000/hoi-dap-kiem-chung/">' in response.content.decode()


@pytest.fixture
def database_page_cache(settings):
    """The embedded default: pages in the database cache every process shares."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "citydesk-local"},
        "pages": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "citydesk_test_pages"},
    }
    settings.CITYDESK_PAGE_CACHE, settings.CITYDESK_PAGE_CACHE_LOCAL = "pages", False
    call_command("createcachetable", "citydesk_test_pages", verbosity=0)
    pagecache._copies.clear()
    yield caches["pages"]
    pagecache._copies.clear()


def test_a_hit_reads_only_the_generation_from_the_shared_cache(client, database_page_cache, make_article):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = make_article(publish=True)
    client.get(article.url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.url)
    assert hit(response)
    cache_reads = [query["sql"] for query in queries.captured_queries if "citydesk_test_pages" in query["sql"]]
    assert len(cache_reads) == 1 and "generation" in cache_reads[0]  # the page is this process's copy


def test_a_change_made_by_another_process_shows_on_the_next_request_despite_the_copies(
    client, database_page_cache, make_article, monkeypatch
):
    article = make_article(title="Bản tin sáng", publish=True)
    first_process = pagecache._copies
    second_process = pagecache._Copies()
    for copies in (first_process, second_process):  # each web process has read the page twice
        monkeypatch.setattr(pagecache, "_copies", copies)
        client.get(article.url)
        assert hit(client.get(article.url))
    # A third process (the scheduler, the admin's process) changes the page: it only writes the shared
    # cache's token, which the web processes read on their next request.
    ArticlePage = type(article)
    ArticlePage.objects.filter(pk=article.pk).update(title="Bản tin chiều")
    database_page_cache.set(pagecache.GENERATION_KEY, "from-another-process", None)
    monkeypatch.setattr(pagecache, "_copies", first_process)
    response, html = get(client, article.url)
    assert not hit(response) and "Bản tin chiều" in html and "Bản tin sáng" not in html
    monkeypatch.setattr(pagecache, "_copies", second_process)
    response, html = get(client, article.url)  # the first process's fresh render, from the shared cache
    assert hit(response) and "Bản tin chiều" in html and "Bản tin sáng" not in html


def test_copies_are_bounded_and_expire_with_the_shared_entry(settings, monkeypatch):
    settings.CITYDESK_PAGE_CACHE_COPIES = 2
    copies = pagecache._Copies()
    assert copies.get("g1", "a") is None  # first sight of the generation
    now = pagecache.time.time()
    for key in ("a", "b", "c"):
        copies.put("g1", key, {"modified": now})
    assert copies.get("g1", "a") is None and copies.get("g1", "c") is not None  # the oldest went first
    copies.put("g0", "d", {"modified": now})  # a render of an older generation is not kept
    assert copies.get("g1", "d") is None
    monkeypatch.setattr(pagecache.time, "time", lambda: now + settings.CITYDESK_PAGE_CACHE_SECONDS + 1)
    assert copies.get("g1", "c") is None
    assert copies.get("g2", "b") is None and copies.get("g1", "b") is None  # a new generation drops them all


def test_a_page_that_used_a_csp_nonce_is_never_stored(client, home, monkeypatch):
    from citydesk.newsroom.models import HomePage

    original = HomePage.get_context

    def context_with_nonce(self, request, *args, **kwargs):
        context = original(self, request, *args, **kwargs)
        context["nonce"] = str(request.csp_nonce)  # what {{ request.csp_nonce }} in a template does
        return context

    monkeypatch.setattr(HomePage, "get_context", context_with_nonce)
    # (The public policy names no nonce today; a template that starts using one must not be shared.)
    assert client.get("/").status_code == 200
    assert not hit(client.get("/"))


# What a copy from the cache must carry as the fresh page did (security and caching headers).
CARRIED_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cache-Control",
    "ETag",
    "Last-Modified",
    "Content-Language",
    "Vary",
)


def test_a_cached_page_carries_the_security_headers_of_a_fresh_one(client, make_article):
    article = make_article(publish=True)
    fresh = client.get(article.url, HTTP_X_REQUEST_ID="fresh-request-0001")
    cached = client.get(article.url, HTTP_X_REQUEST_ID="cached-request-0002")
    assert hit(cached) and not hit(fresh)
    for header in CARRIED_HEADERS:
        assert cached[header] == fresh[header], header
    assert cached["X-Request-ID"] == "cached-request-0002"


def test_a_page_made_private_is_not_served_from_the_cache(client, commit, make_article):
    from wagtail.models import PageViewRestriction

    article = make_article(title="Thông báo nội bộ", publish=True)
    client.get(article.url)
    assert hit(client.get(article.url))
    commit(PageViewRestriction.objects.create, page=article, restriction_type="password", password="bi-mat")
    response, html = get(client, article.url)
    assert not hit(response) and "Thông báo nội bộ" not in html


def count_queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, len(queries.captured_queries)


@pytest.fixture
def pages_not_cached(settings):
    """Whole pages not cached; the generation (and the site-wide fragments) still kept."""
    settings.CITYDESK_PAGE_CACHE = ""
    pagecache.fragments.clear()
    yield
    pagecache.fragments.clear()


def test_a_remembered_route_loads_the_page_in_fewer_queries_and_renders_the_same(
    client, pages_not_cached, make_article
):
    article = make_article(title="Lịch tiêm chủng tháng 12", publish=True)
    first, walked = count_queries(client, article.url)
    second, remembered = count_queries(client, article.url)
    assert remembered < walked
    assert second.content == first.content and second.status_code == 200
    assert pagecache.HIT_HEADER not in second  # rendered, not a copy


def test_a_remembered_route_follows_moves_and_unpublishing_on_the_next_request(
    client, commit, pages_not_cached, make_article, home
):
    article = make_article(title="Cấm đường đua xe đạp", publish=True)
    old_url = article.url
    client.get(old_url)
    client.get(old_url)
    other = TopicPage(title="Giao thông", slug="giao-thong", show_in_menus=True)
    commit(home.add_child, instance=other)
    commit(lambda: other.save_revision().publish())
    commit(article.move, other, pos="last-child")
    article.refresh_from_db()
    assert client.get(old_url).status_code == 404
    response, html = get(client, article.url)
    assert response.status_code == 200 and 'class="kicker"><a href="/giao-thong/">Giao thông</a>' in html
    commit(article.unpublish)
    assert client.get(article.url).status_code == 404


def test_without_a_shared_cache_nothing_is_remembered(client, settings, make_article):
    settings.CITYDESK_PAGE_CACHE, settings.CITYDESK_PAGE_CACHE_LOCAL = "", False  # LocMem, one per process
    article = make_article(publish=True)
    client.get(article.url)
    _response, first = count_queries(client, article.url)
    _response, second = count_queries(client, article.url)
    assert first == second


def test_a_remembered_route_still_asks_for_the_password_of_a_page_made_private(
    client, commit, pages_not_cached, make_article
):
    from wagtail.models import PageViewRestriction

    article = make_article(title="Kế hoạch nội bộ", publish=True)
    client.get(article.url)
    assert "Kế hoạch nội bộ" in get(client, article.url)[1]  # the route and "no restriction" remembered
    commit(PageViewRestriction.objects.create, page=article, restriction_type="password", password="bi-mat")
    html = get(client, article.url)[1]
    assert "Kế hoạch nội bộ" not in html and 'name="password"' in html


def test_the_remembered_navigation_links_stay_in_the_readers_language(pages_not_cached, topic, make_article):
    from django.test import Client

    url = make_article(publish=True).url  # (page.url follows the active language: read it once)
    english_reader, vietnamese_reader = Client(), Client()
    english_reader.get("/en" + url)  # the navigation remembered while rendering in English
    english = english_reader.get("/en" + url).content.decode()
    vietnamese = vietnamese_reader.get(url).content.decode()
    assert 'href="/en/suc-khoe/"' in english
    assert 'href="/suc-khoe/"' in vietnamese and 'href="/en/suc-khoe/"' not in vietnamese.split("<main")[0]


def test_a_hit_is_answered_first_and_still_logged_and_counted_with_its_own_request_id(client, make_article):
    from prometheus_client import REGISTRY

    from citydesk.ops.tests.capture import access_lines

    article = make_article(publish=True)
    client.get(article.url)
    labels = {"view": "unresolved", "method": "GET", "status": "200"}
    before = REGISTRY.get_sample_value("citydesk_http_requests_total", labels) or 0
    with access_lines() as lines:
        response = client.get(article.url, HTTP_X_REQUEST_ID="cached-request-0003")
    assert hit(response) and response["X-Request-ID"] == "cached-request-0003"
    [line] = lines
    assert (line["request_id"], line["route"], line["status"]) == ("cached-request-0003", article.url, 200)
    assert REGISTRY.get_sample_value("citydesk_http_requests_total", labels) == before + 1


def test_a_304_from_the_cache_carries_the_headers_of_the_page_and_its_own_request_id(client, make_article):
    article = make_article(publish=True)
    fresh = client.get(article.url)
    response = client.get(article.url, HTTP_IF_NONE_MATCH=fresh["ETag"], HTTP_X_REQUEST_ID="cached-request-0004")
    assert response.status_code == 304 and hit(response) and response.content == b""
    assert response["X-Request-ID"] == "cached-request-0004"
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "ETag", "Cache-Control"):
        assert response[header] == fresh[header], header


def test_a_page_rendered_for_https_is_not_served_to_plain_http(client, settings, make_article):
    settings.SECURE_HSTS_SECONDS = 3600
    article = make_article(publish=True)
    client.get(article.url, secure=True)
    secure = client.get(article.url, secure=True)
    assert hit(secure) and "Strict-Transport-Security" in secure
    plain = client.get(article.url)
    assert not hit(plain) and "Strict-Transport-Security" not in plain


def test_spellings_of_one_host_and_one_page_number_share_one_entry(client, make_article, topic):
    # Each spelling Django lets through was its own entry: anyone could fill the cache with copies.
    article = make_article(publish=True)
    client.get(article.url, HTTP_HOST="TESTSERVER.")
    assert hit(client.get(article.url))
    assert hit(client.get(article.url, HTTP_HOST="testserver:80"))
    assert not hit(client.get(article.url, HTTP_HOST="testserver:8080"))  # another port may be another site
    client.get(topic.url + "?trang=1")
    assert hit(client.get(topic.url)) and hit(client.get(topic.url + "?trang=01"))
    # A page number no list has is rendered, never stored.
    huge = client.get(topic.url + "?trang=123456789")
    assert huge.status_code in (200, 404) and pagecache.HIT_HEADER not in huge
    assert pagecache.HIT_HEADER not in client.get(topic.url + "?trang=123456789")


def test_kept_parts_are_rebuilt_after_a_cached_page_s_longest_life(settings, monkeypatch):
    # A bump whose write failed (the cache was down) must not leave a part stale for good: e.g. "no page
    # has a view restriction" after a page was made private.
    settings.CITYDESK_PAGE_CACHE_SECONDS = 300
    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    parts = pagecache._Fragments()
    assert parts.remember_for("g1", "restricted", lambda: False) is False
    now[0] += 299
    assert parts.remember_for("g1", "restricted", lambda: True) is False  # still the kept value
    now[0] += 2
    assert parts.remember_for("g1", "restricted", lambda: True) is True  # rebuilt, same generation
