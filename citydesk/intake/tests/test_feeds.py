"""Feed monitoring against a local feed server: matching items become appearances, the rest are dropped."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

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
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/rss.xml"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer(RSS)
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


def test_broken_feeds_are_recorded_not_raised(claim):
    server = FeedServer(b"<html>this is not a feed</html>")
    try:
        source = FeedSource.objects.create(name="Hỏng", url=server.url)
        assert poll(source).items == 0
        source.refresh_from_db()
        assert source.last_error
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
