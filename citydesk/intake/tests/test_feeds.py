"""Feed monitoring against a local feed server: matching items become appearances, the rest are dropped.
Feeds are fetched through the SSRF guard (core.fetch): each test opens only its own server's port."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import RequestFactory

from citydesk.core.tests.webservers import LocalWebServer
from citydesk.desk.models import Appearance
from citydesk.desk.structured_data import claim_review
from citydesk.intake.feeds import poll, poll_due
from citydesk.intake.models import FeedSource

from .conftest import CLAIM_TEXT

pytestmark = pytest.mark.django_db

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Báo Mẫu</title><link>https://bao.example</link><description>Tin</description>
<item><title>{CLAIM_TEXT}? Bác sĩ lên tiếng</title><link>https://bao.example/chanh-nong</link>
<description>Thông tin uống nước chanh nóng chữa khỏi sốt xuất huyết trong 3 ngày đang lan truyền.</description>
<pubDate>Wed, 25 Nov 2026 08:00:00 +0700</pubDate></item>
<item><title>Khai mạc lễ hội pháo hoa quốc tế năm nay với tám đội tham gia</title><link>https://bao.example/phao-hoa</link>
<description>Lễ hội diễn ra trong tháng sáu.</description><pubDate>Wed, 25 Nov 2026 09:00:00 +0700</pubDate></item>
</channel></rss>""".encode()


class FeedServer:
    def __init__(self, body: bytes, status: int = 200):
        self.body, self.status, self.requests = body, status, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(dict(self.headers))
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(server.status)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("ETag", '"v1"')
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/rss.xml"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server(settings):
    server = FeedServer(RSS)
    settings.CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
    yield server
    server.close()


def test_item_repeating_a_claim_becomes_its_appearance_and_others_are_dropped(feed_server, claim):
    source = FeedSource.objects.create(name="Báo Mẫu", url=feed_server.url)
    result = poll(source)

    assert (result.items, result.appearances) == (2, 1)
    appearance = Appearance.objects.get()
    assert appearance.claim == claim and appearance.url == "https://bao.example/chanh-nong"
    assert appearance.source_name == "Báo Mẫu" and appearance.published_at is not None
    assert not Appearance.objects.filter(url="https://bao.example/phao-hoa").exists()
    source.refresh_from_db()
    assert source.appearances_found == 1 and source.etag == '"v1"' and source.last_error == ""
    assert claim.events.filter(action="appearance").exists()

    # The next poll sends the ETag back and finds nothing new.
    assert poll(source).not_modified
    assert feed_server.requests[-1]["If-None-Match"] == '"v1"'


def test_appearances_are_in_the_claim_review(feed_server, published_claim):
    poll(FeedSource.objects.create(name="Báo Mẫu", url=feed_server.url))
    page = published_claim.clarification_page
    data = claim_review(page=page, request=RequestFactory().get("/"))
    urls = [item["url"] for item in data["itemReviewed"]["appearance"]]
    assert "https://bao.example/chanh-nong" in urls


def test_broken_feeds_are_recorded_not_raised(claim, settings):
    server = FeedServer(b"<html>this is not a feed</html>")
    settings.CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
    try:
        source = FeedSource.objects.create(name="Hỏng", url=server.url)
        assert poll(source).items == 0
        source.refresh_from_db()
        assert source.last_error == "Đây không phải nguồn tin RSS hoặc Atom."
    finally:
        server.close()
    source = FeedSource.objects.create(name="Không tới được", url="http://127.0.0.1:9/rss")
    poll(source)
    source.refresh_from_db()
    assert source.last_error and Appearance.objects.count() == 0


def test_only_due_sources_are_polled(feed_server, claim):
    source = FeedSource.objects.create(name="Báo Mẫu", url=feed_server.url, interval_minutes=30)
    assert len(poll_due()) == 1
    assert len(poll_due()) == 0  # polled a moment ago
    FeedSource.objects.filter(pk=source.pk).update(is_active=False)
    assert poll_due() == []


@pytest.mark.parametrize(
    "url", ["https://www.facebook.com/some.person", "https://x.com/someone", "https://t.me/s/nguoi"]
)
def test_personal_social_accounts_cannot_be_monitored(url):
    with pytest.raises(ValidationError):
        FeedSource(name="x", url=url).full_clean()


def test_the_desk_sees_appearances_on_the_claim_screen(client, feed_server, claim, verifier):
    poll(FeedSource.objects.create(name="Báo Mẫu", url=feed_server.url))
    client.force_login(verifier)
    page = client.get(f"/admin/desk/claims/{claim.pk}/").content.decode()
    assert "Xuất hiện trên các nguồn tin được theo dõi" in page and "https://bao.example/chanh-nong" in page


FORBIDDEN_FEEDS = [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:22/",
    "http://[::1]/rss",
    "http://localhost/rss",
    "http://2130706433/rss",
    "http://0x7f.1/rss",
    "http://[::ffff:127.0.0.1]/rss",
    "http://0.0.0.0:8000/rss",
    "http://10.0.0.5/rss",
    "http://192.168.1.1/rss",
    "ftp://bao.example/rss.xml",
]


@pytest.mark.parametrize("url", FORBIDDEN_FEEDS)
def test_desk_lead_cannot_add_a_feed_at_a_private_or_non_web_address(client, lead, url):
    client.force_login(lead)
    response = client.post(
        "/admin/snippets/intake/feedsource/add/", {"name": "Nội bộ", "url": url, "interval_minutes": 30}
    )
    assert response.status_code == 200
    assert FeedSource.objects.count() == 0
    page = response.content.decode()
    assert "Chỉ theo dõi được địa chỉ web công khai (http hoặc https)." in page or "Nhập một URL hợp lệ" in page


def test_desk_lead_adds_a_public_feed(client, lead):
    client.force_login(lead)
    response = client.post(
        "/admin/snippets/intake/feedsource/add/",
        {"name": "Báo Mẫu", "url": "https://bao.example/rss.xml", "interval_minutes": 30},
    )
    assert response.status_code == 302
    assert FeedSource.objects.get().url == "https://bao.example/rss.xml"


def test_a_feed_stored_at_a_loopback_address_is_never_fetched(claim):
    """Rows saved before the form refused them (or by a script) are refused again at every poll, and an
    open port gives the same stored error as a closed one."""
    server = FeedServer(RSS)  # listening, but its port is not opened to the guard
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    try:
        open_source = FeedSource.objects.create(name="Mở", url=server.url)
        closed_source = FeedSource.objects.create(name="Đóng", url=f"http://127.0.0.1:{closed_port}/rss.xml")
        poll(open_source)
        poll(closed_source)
    finally:
        server.close()
    assert server.requests == []
    open_source.refresh_from_db()
    closed_source.refresh_from_db()
    assert open_source.last_error == closed_source.last_error
    assert open_source.last_error.startswith("Địa chỉ bị chặn")


def test_a_redirect_from_the_feed_to_a_forbidden_address_is_refused(claim, settings):
    outer, inner = LocalWebServer(), LocalWebServer()
    try:
        outer.allow(settings)
        inner.reply("/secret", body=RSS)
        outer.redirect("/rss.xml", inner.url("/secret"))
        outer.redirect("/meta.xml", "http://169.254.169.254/latest/meta-data/")
        sources = [FeedSource.objects.create(name=p, url=outer.url(p)) for p in ("/rss.xml", "/meta.xml")]
        for source in sources:
            poll(source)
            source.refresh_from_db()
            assert source.last_error.startswith("Địa chỉ bị chặn")
        assert inner.requests == [] and Appearance.objects.count() == 0
    finally:
        outer.close()
        inner.close()


def test_a_feed_sending_a_byte_a_second_is_cut_at_the_deadline(claim, settings):
    settings.CITYDESK_FEED_DEADLINE_SECONDS = 2
    slow = LocalWebServer()
    try:
        slow.allow(settings)
        slow.reply("/rss.xml", body=RSS, trickle_body=1.0)
        source = FeedSource.objects.create(name="Chậm", url=slow.url("/rss.xml"))
        started = time.monotonic()
        poll(source)
        assert time.monotonic() - started < 3.5
    finally:
        slow.close()
    source.refresh_from_db()
    assert source.last_error == "Quá thời gian chờ" and Appearance.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after each job (PostgreSQL)
def test_the_scheduler_queues_feed_polls_and_returns_while_a_feed_is_slow(claim, settings):
    """With the database job queue (as in production) the scheduler's tick only queues the poll; a
    worker then polls, cut at the deadline, while the scheduler's other jobs have long run. The bounds
    are the deadline itself: a tick that waited for the feed would take at least that long."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CITYDESK_FEED_DEADLINE_SECONDS = 6
    slow = LocalWebServer()
    try:
        slow.allow(settings)
        slow.reply("/rss.xml", body=RSS, trickle_body=1.0)
        source = FeedSource.objects.create(name="Chậm", url=slow.url("/rss.xml"))
        started = time.monotonic()
        call_command("run_scheduler", "--once", stdout=StringIO(), stderr=StringIO())
        assert time.monotonic() - started < 6
        assert slow.requests == []  # not fetched by the scheduler
        [job] = DBTaskResult.objects.filter(task_path="citydesk.intake.feeds.poll_feed_task")
        assert job.args_kwargs["args"] == [source.pk]
        # A second tick does not queue the same feed again while its poll is pending.
        call_command("run_scheduler", "--once", stdout=StringIO(), stderr=StringIO())
        assert DBTaskResult.objects.filter(task_path="citydesk.intake.feeds.poll_feed_task").count() == 1

        started = time.monotonic()
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())
        assert time.monotonic() - started < 6 + 4
    finally:
        slow.close()
    source.refresh_from_db()
    assert source.last_error == "Quá thời gian chờ" and slow.paths() == ["/rss.xml"]
