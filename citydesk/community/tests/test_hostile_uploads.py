"""Attacks by a signed-in reader over HTTP: decompression bombs as avatar and story photo, avatar
uploads without end, and comments on pages that have no comment thread."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import Page

from citydesk.community.models import Comment, Member, Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return Member.objects.create(email="ban.doc@example.vn", display_name="Hoa Sen")


@pytest.fixture
def signed_in(client, member):
    session = client.session
    session["community_member"] = member.pk
    session.save()
    return client


def bomb_png(side: int = 7000) -> bytes:
    """A 1-bit PNG of side × side pixels: a few KB on the wire, ~side² × 4 bytes once decoded."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    return out.getvalue()


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def test_a_bomb_avatar_is_refused_from_its_header_with_a_vietnamese_error(signed_in, member):
    bomb = bomb_png()
    assert len(bomb) < 20_000
    started = time.process_time()
    response = signed_in.post("/cong-dong/anh-dai-dien/", {"avatar": SimpleUploadedFile("a.png", bomb, "image/png")})
    assert time.process_time() - started < 1.0
    assert response.status_code == 400 and "quá nhiều điểm ảnh" in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


def test_a_bomb_story_photo_is_a_form_error_and_no_story_is_stored(signed_in):
    upload = SimpleUploadedFile("a.png", bomb_png(), "image/png")
    response = signed_in.post(
        "/cong-dong/gui-bai/", {"title": "Biển chiều", "text": "Đẹp", "consent": "on", "photo": upload}
    )
    assert response.status_code == 400 and "quá nhiều điểm ảnh" in response.content.decode()
    assert Story.objects.count() == 0


def test_avatar_uploads_are_rate_limited(signed_in, member, settings):
    settings.CITYDESK_UPLOAD_RATE_LIMIT = 3
    for _ in range(3):
        upload = SimpleUploadedFile("me.jpg", photo(), "image/jpeg")
        assert signed_in.post("/cong-dong/anh-dai-dien/", {"avatar": upload}).status_code == 302
    member.refresh_from_db()
    kept = member.avatar.name
    refused = signed_in.post(
        "/cong-dong/anh-dai-dien/", {"avatar": SimpleUploadedFile("me.jpg", photo(), "image/jpeg")}
    )
    assert refused.status_code == 429 and "thử lại sau ít phút" in refused.content.decode()
    member.refresh_from_db()
    assert member.avatar.name == kept


def test_failed_avatar_uploads_count_towards_the_limit_too(signed_in, settings):
    settings.CITYDESK_UPLOAD_RATE_LIMIT = 2
    statuses = [
        signed_in.post("/cong-dong/anh-dai-dien/", {"avatar": SimpleUploadedFile("a.png", bomb_png(), "image/png")})
        for _ in range(3)
    ]
    assert [response.status_code for response in statuses] == [400, 400, 429]


@pytest.mark.parametrize("which", ["root", "home", "topic"])
def test_commenting_on_a_page_without_comments_is_404_and_stores_nothing(signed_in, topic, which):
    page = {"root": Page.objects.get(depth=1), "home": topic.get_parent(), "topic": topic}[which]
    response = signed_in.post(f"/cong-dong/binh-luan/{page.pk}/", {"text": "Bình luận ở trang gốc"})
    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_commenting_on_an_article_still_works(signed_in, make_article):
    article = make_article(publish=True)
    response = signed_in.post(f"/cong-dong/binh-luan/{article.pk}/", {"text": "Cảm ơn bài viết"})
    assert response.status_code == 302 and response["Location"].endswith("#binh-luan")
    assert Comment.objects.get().page_id == article.pk
