"""Evidence snapshots (desk.snapshots) against a local web server on 127.0.0.1: what is captured, what is
refused, what is cut, retries, the optional web archive, and that publishing never waits for them."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from citydesk.core.processes import free_port
from citydesk.core.tests.webservers import LocalWebServer
from citydesk.desk import services, snapshots
from citydesk.desk.models import EvidenceSnapshot

pytestmark = pytest.mark.django_db

ARTICLE = (
    "<html><head><title>Bộ Y tế</title></head><body><nav>Trang chủ | Tin tức</nav>"
    "<article><h1>Hướng dẫn điều trị sốt xuất huyết</h1>"
    "<p>Hiện chưa có thuốc điều trị đặc hiệu sốt xuất huyết Dengue. Người bệnh cần được theo dõi tại cơ sở y tế "
    "để phát hiện sớm dấu hiệu nặng.</p><p>Không tự ý dùng mẹo dân gian như nước chanh nóng để chữa bệnh; "
    "hãy đến cơ sở y tế gần nhất khi sốt cao liên tục.</p></article>"
    "<footer>Bản quyền</footer></body></html>"
).encode()


@pytest.fixture
def web(settings):
    server = LocalWebServer()
    server.allow(settings)
    yield server
    server.close()


def add_source(claim, verifier, url, capture_callbacks):
    with capture_callbacks(execute=True):  # the worker's job runs once the evidence is committed
        return services.evidence_add(claim=claim, actor=verifier, url=url, title="Nguồn")


def test_a_source_is_captured_with_status_text_and_hash(
    client, web, claim, verifier, django_capture_on_commit_callbacks
):
    web.reply("/huong-dan", body=ARTICLE, headers={"Content-Type": "text/html; charset=utf-8"})
    web.redirect("/cu", "/huong-dan", status=301)
    evidence = add_source(claim, verifier, web.url("/cu"), django_capture_on_commit_callbacks)
    capture = EvidenceSnapshot.objects.get(evidence=evidence)
    assert capture.state == "captured" and capture.http_status == 200
    assert capture.final_url == web.url("/huong-dan")
    assert capture.sha256 == hashlib.sha256(ARTICLE).hexdigest()
    assert "chưa có thuốc điều trị đặc hiệu" in capture.text and "Bản quyền" not in capture.text
    assert capture.html.read() == ARTICLE and capture.html_size == len(ARTICLE) and not capture.truncated
    assert capture.captured_at is not None and capture.archive_url == ""  # the archive is off by default
    client.force_login(verifier)
    page = client.get(reverse("desk_claim", args=[claim.pk])).content.decode()
    assert "Đã lưu lúc" in page and capture.sha256 in page and "chưa có thuốc điều trị đặc hiệu" in page


def test_a_redirect_to_the_loopback_is_refused_and_not_retried(
    web, claim, verifier, django_capture_on_commit_callbacks
):
    web.redirect("/chuyen", f"http://127.0.0.1:{free_port()}/admin/")
    evidence = add_source(claim, verifier, web.url("/chuyen"), django_capture_on_commit_callbacks)
    capture = EvidenceSnapshot.objects.get(evidence=evidence)
    assert capture.state == "failed" and capture.error == "blocked" and capture.next_attempt_at is None
    assert capture.sha256 == "" and not capture.html
    assert web.paths() == ["/chuyen"]


def test_a_20_mb_page_is_cut_at_the_limit(web, claim, verifier, settings, django_capture_on_commit_callbacks):
    big = b"<html><body><p>" + b"x" * (20 * 1024 * 1024) + b"</p></body></html>"
    web.reply("/lon", body=big, headers={"Content-Type": "text/html"})
    evidence = add_source(claim, verifier, web.url("/lon"), django_capture_on_commit_callbacks)
    capture = EvidenceSnapshot.objects.get(evidence=evidence)
    limit = settings.CITYDESK_SNAPSHOT_MAX_BYTES
    assert capture.state == "captured" and capture.truncated
    assert capture.html_size == limit == 5 * 1024 * 1024
    assert capture.sha256 == hashlib.sha256(big[:limit]).hexdigest()


def test_a_failure_is_shown_retried_by_the_scheduler_and_never_blocks_publishing(
    client, web, claim, verifier, lead, django_capture_on_commit_callbacks
):
    evidence = add_source(claim, verifier, web.url("/chua-co"), django_capture_on_commit_callbacks)
    capture = EvidenceSnapshot.objects.get(evidence=evidence)
    assert capture.state == "failed" and capture.error == "http" and capture.http_status == 404
    assert capture.next_attempt_at is not None
    client.force_login(verifier)
    page = client.get(reverse("desk_claim", args=[claim.pk])).content.decode()
    assert "Không lưu được bản lưu: Lỗi HTTP 404" in page and "Lưu lại" in page

    services.verdict_propose(claim=claim, verifier=verifier, rating="false", summary="Sai.", explanation="Vì sao.")
    page_obj = services.verdict_approve(claim=claim, approver=lead)
    assert page_obj.live  # published while the source was not captured

    web.reply("/chua-co", body=ARTICLE, headers={"Content-Type": "text/html"})
    assert snapshots.retry_failed(now=timezone.now()) == 0  # its pause is not over
    assert snapshots.retry_failed(now=timezone.now() + timedelta(hours=1)) == 1
    capture.refresh_from_db()
    assert capture.state == "captured" and capture.attempts == 2


def test_capture_again_button(client, web, claim, verifier, django_capture_on_commit_callbacks):
    evidence = add_source(claim, verifier, web.url("/sau"), django_capture_on_commit_callbacks)
    web.reply("/sau", body=ARTICLE, headers={"Content-Type": "text/html"})
    client.force_login(verifier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("desk_claim_action", args=[claim.pk, "snapshot_retry"]), {"evidence": evidence.pk}
        )
    assert response.status_code == 302
    assert EvidenceSnapshot.objects.get(evidence=evidence).state == "captured"
    bad = client.post(reverse("desk_claim_action", args=[claim.pk, "snapshot_retry"]), {"evidence": "x"})
    assert bad.status_code == 400


def test_web_archive_submission_when_set(web, claim, verifier, settings, django_capture_on_commit_callbacks):
    archive = LocalWebServer()
    try:
        archive.allow(settings)
        settings.CITYDESK_WEB_ARCHIVE_URL = archive.url("/save/")
        source = web.url("/huong-dan")
        web.reply("/huong-dan", body=ARTICLE, headers={"Content-Type": "text/html"})
        archive.redirect("/save/" + source, "/web/20261201000000/" + source)
        archive.reply("/web/20261201000000/" + source, body=b"archived")
        evidence = add_source(claim, verifier, source, django_capture_on_commit_callbacks)
        capture = EvidenceSnapshot.objects.get(evidence=evidence)
        assert capture.archive_url == archive.url("/web/20261201000000/" + source)
        assert archive.paths()[0] == "/save/" + source
    finally:
        archive.close()


def test_public_clarification_links_the_original_and_the_saved_copy(
    client, web, claim, verifier, lead, django_capture_on_commit_callbacks
):
    web.reply("/huong-dan", body=ARTICLE, headers={"Content-Type": "text/html"})
    evidence = add_source(claim, verifier, web.url("/huong-dan"), django_capture_on_commit_callbacks)
    services.verdict_propose(claim=claim, verifier=verifier, rating="false", summary="Sai.", explanation="Vì sao.")
    page = services.verdict_approve(claim=claim, approver=lead)
    html = client.get(page.url).content.decode()
    capture = EvidenceSnapshot.objects.get(evidence=evidence)
    assert web.url("/huong-dan") in html
    assert "Bản lưu" in html and capture.sha256[:16] in html
    assert "chưa có thuốc điều trị đặc hiệu" not in html  # the captured text stays with the desk
