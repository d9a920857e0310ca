"""Fuzzing the community's public forms over HTTP with hypothesis: sign-in by e-mail, stories with
photos (bombs and random bytes among them), comments on any page id with any parent, reader reports.
No response >= 500; a refused post stores nothing; comments exist only on articles."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from wagtail.models import Page

from citydesk.community.models import Comment, Flag, Member, SignInLink, Story

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
odd_text = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", " ", "\x00", "<script>alert(1)</script>", "a" * 6000, "Hoàng hôn trên cầu Rồng"]),
)
junk_number = st.one_of(st.integers(-(2**70), 2**70).map(str), st.text(max_size=8), st.just(""))


def _png(side: int, mode: str = "1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (side, side)).save(out, format="PNG")
    return out.getvalue()


IMAGES = [_png(7000), _png(40, "RGB"), _png(40, "RGB")[:100], b"<svg onload=alert(1)/>"]


@pytest.fixture
def member(db):
    return Member.objects.create(email="ban.doc@example.vn", display_name="Hoa Sen")


@pytest.fixture
def signed_in(client, member):
    session = client.session
    session["community_member"] = member.pk
    session.save()
    return client


@given(email=odd_text | st.emails(), display_name=odd_text)
@hypothesis_settings(FUZZ, max_examples=150)
def test_sign_in_form_never_fails(client, email, display_name):
    cache.clear()
    members = Member.objects.count()
    response = client.post("/cong-dong/dang-nhap/", {"email": email, "display_name": display_name})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert Member.objects.count() == members
    assert not SignInLink.objects.filter(member__isnull=True).exists()


@given(
    title=odd_text,
    text=odd_text,
    place=odd_text,
    consent=st.sampled_from(["", "on"]),
    photo=st.none() | st.sampled_from(IMAGES) | st.binary(max_size=100),
)
@hypothesis_settings(FUZZ, max_examples=150)
def test_story_form_never_fails_and_a_refused_story_stores_nothing(signed_in, title, text, place, consent, photo):
    cache.clear()
    data = {"title": title, "text": text, "place": place, "consent": consent}
    if photo is not None:
        data["photo"] = SimpleUploadedFile("anh.png", photo, content_type="image/png")
    stories = Story.objects.count()
    response = signed_in.post("/cong-dong/gui-bai/", data)
    assert response.status_code < 500
    assert Story.objects.count() == stories + (response.status_code == 200)


@given(
    which=st.sampled_from(["article", "root", "home", "topic", "missing"]),
    text=odd_text,
    parent=st.none() | junk_number,
    category=st.one_of(st.sampled_from(["spam", "scam", "harassment"]), st.text(max_size=10)),
)
@hypothesis_settings(FUZZ, max_examples=150)
def test_comment_and_report_forms_never_fail(signed_in, make_article, which, text, parent, category):
    cache.clear()
    article = _article(make_article)
    pages = {"article": article.pk, "root": Page.objects.get(depth=1).pk, "home": article.get_parent().get_parent().pk}
    pages |= {"topic": article.get_parent().pk, "missing": 10**9}
    data = {"text": text} if parent is None else {"text": text, "parent": parent}
    comments = Comment.objects.count()
    response = signed_in.post(f"/cong-dong/binh-luan/{pages[which]}/", data)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert Comment.objects.count() == comments
    assert not Comment.objects.exclude(page_id=article.pk).exists()
    last = Comment.objects.order_by("-pk").first()
    if last is not None:
        Comment.objects.filter(pk=last.pk).update(status="approved")
        flags = Flag.objects.count()
        flagged = signed_in.post(f"/cong-dong/bao-cao/{last.pk}/", {"category": category})
        assert flagged.status_code < 500
        assert Flag.objects.count() in (flags, flags + 1)


def _article(make_article):
    """One published article for every example (the test database outlives them)."""
    from citydesk.newsroom.models import ArticlePage

    return ArticlePage.objects.live().first() or make_article(publish=True)
