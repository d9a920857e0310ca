"""Parts of a page rendered once per generation (parts.py): an article rendered without the page cache
reuses its body, JSON-LD, bylines, corrections and comments, and every change shows on the next request."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citydesk.community import services as community
from citydesk.community.models import Member
from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.newsroom import pagecache, services
from citydesk.newsroom.models import ArticlePage
from citydesk.newsroom.services import _rich_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pages_not_cached(settings):
    """The uncached set-up of the benchmark: whole pages not cached, the generation kept (LocMem in tests)."""
    settings.CITYDESK_PAGE_CACHE = ""
    settings.CITYDESK_PAGE_CACHE_LOCAL = True
    pagecache.fragments.clear()
    yield
    pagecache.fragments.clear()


def render(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert pagecache.HIT_HEADER not in response  # rendered for this request, not a stored copy
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def render_after_change(client, url) -> str:
    """The next two renders: the first finds the page's route again, the second reuses it (and the parts)."""
    first, second = render(client, url)[0], render(client, url)[0]
    assert second == first
    return second


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def republish(article, paragraph: str) -> None:
    article = ArticlePage.objects.get(pk=article.pk)
    article.body = [("paragraph", _rich_text(paragraph))]
    article.save_revision().publish()


def test_an_uncached_article_reuses_its_parts_and_renders_the_same(client, make_article):
    article = make_article(title="Lịch tiêm chủng tháng 12", publish=True)
    client.get(article.url)  # the route remembered
    first, _queries = render(client, article.url)
    again, queries = render(client, article.url)
    assert again == first
    assert "Muỗi vằn đẻ trứng ở nơi nước đọng." in again and 'class="author"' in again
    assert json_ld(again)["author"][0]["name"] == article.contributors()[0].name
    shown = " ".join(queries)
    for table in ("newsroom_articlebyline", "newsroom_articlecorrection", "community_comment"):
        assert table not in shown


def test_a_republished_article_shows_its_new_body_on_the_next_request(client, commit, make_article):
    article = make_article(paragraphs=["Bản đầu tiên của bài."], publish=True)
    client.get(article.url)
    assert "Bản đầu tiên của bài." in render(client, article.url)[0]
    commit(republish, article, "Bản đã sửa: lịch mới từ thứ Hai.")
    html = render_after_change(client, article.url)
    assert "Bản đã sửa: lịch mới từ thứ Hai." in html and "Bản đầu tiên của bài." not in html


def test_a_correction_shows_in_the_list_and_the_json_ld_on_the_next_request(client, commit, make_article, editor_user):
    article = make_article(publish=True)
    client.get(article.url)
    before = render(client, article.url)[0]
    assert 'id="corrections"' not in before
    commit(
        services.article_correct,
        article=article,
        user=editor_user,
        what_changed="Sửa giờ tiêm từ 8 giờ thành 7 giờ 30.",
        reason="Trung tâm y tế báo lại.",
    )
    html = render_after_change(client, article.url)
    assert "Sửa giờ tiêm từ 8 giờ thành 7 giờ 30." in html
    assert json_ld(html)["dateModified"] != json_ld(before)["dateModified"]


def test_an_approved_comment_and_a_renamed_contributor_show_on_the_next_request(client, commit, make_article):
    article = make_article(publish=True)
    client.get(article.url)
    member = Member.objects.create(email="an@x.vn", display_name="An", approved_posts=0)
    comment = community.post_comment(member=member, page=article, text="Cảm ơn đã nhắc lịch tiêm.")
    assert "Cảm ơn đã nhắc lịch tiêm." not in render(client, article.url)[0]  # held for a moderator
    moderator = make_user("dieuphoi", roles.MODERATOR)
    commit(community.decide, item=comment, moderator=moderator, action="approve")
    assert "Cảm ơn đã nhắc lịch tiêm." in render_after_change(client, article.url)

    contributor = article.contributors()[0]
    contributor.name = "Nguyễn Thị Mai Anh"
    commit(contributor.save)
    html = render_after_change(client, article.url)
    assert ">Nguyễn Thị Mai Anh</a>" in html and json_ld(html)["author"][0]["name"] == "Nguyễn Thị Mai Anh"


def test_the_draft_view_shows_the_draft_body_not_the_live_one(client, make_article, editor_user):
    article = make_article(paragraphs=["Nội dung đã đăng."], publish=True)
    client.get(article.url)
    render(client, article.url)
    draft = ArticlePage.objects.get(pk=article.pk)
    draft.body = [("paragraph", _rich_text("Nội dung bản nháp chưa đăng."))]
    draft.save_revision()
    assert "Nội dung đã đăng." in render_after_change(client, article.url)
    client.force_login(editor_user)
    html = client.get(reverse("wagtailadmin_pages:view_draft", args=[article.pk])).content.decode()
    assert "Nội dung bản nháp chưa đăng." in html and "Nội dung đã đăng." not in html


def test_the_body_keeps_the_readers_language_in_its_links(client, make_article):
    article = make_article(publish=True)
    url = article.url
    for path in (url, "/en" + url):
        client.get(path)
    english, vietnamese = render(client, "/en" + url)[0], render(client, url)[0]
    assert json_ld(english)["url"].endswith("/en" + url)
    assert json_ld(vietnamese)["url"].endswith(url) and "/en/" not in json_ld(vietnamese)["url"]


def test_the_kept_comment_section_is_only_the_anonymous_one(client, make_article):
    from django.test import Client

    article = make_article(publish=True)
    client.get(article.url)
    assert 'href="/cong-dong/dang-nhap/"' in render(client, article.url)[0]  # kept for anonymous readers
    member = Member.objects.create(email="an@x.vn", display_name="An")
    session = client.session
    session["community_member"] = member.pk
    session.save()
    html = client.get(article.url).content.decode()
    assert 'id="comment-text"' in html and 'href="/cong-dong/dang-nhap/"' not in html
    anonymous = Client().get(article.url).content.decode()
    assert 'id="comment-text"' not in anonymous and 'href="/cong-dong/dang-nhap/"' in anonymous


def test_the_home_listing_shows_a_new_article_and_a_pin_on_the_next_request(
    client, commit, make_article, editor_user, unit
):
    from citydesk.desk import services as desk
    from citydesk.desk import trending
    from citydesk.desk.models import Channel, HarmCategory

    make_article(title="Bài cũ về tiêm chủng", publish=True)
    client.get("/")
    assert "Bài cũ về tiêm chủng" in render(client, "/")[0]
    commit(make_article, title="Lịch cắt điện cuối tuần", publish=True)
    html = render_after_change(client, "/")
    assert "Lịch cắt điện cuối tuần" in html and "trending-heading" not in html

    verifier, lead = make_user("kiemchung", roles.DESK_VERIFIER, unit=unit), make_user("truongnhom", roles.DESK_LEAD)
    text = "Uống nước chanh nóng chữa khỏi sốt xuất huyết"
    claim = desk.report_receive(channel=Channel.WEB, text=text, category=HarmCategory.HEALTH).claim
    desk.evidence_add(claim=claim, actor=verifier, url="https://moh.gov.vn/sxh", title="Bộ Y tế")
    desk.verdict_propose(claim=claim, verifier=verifier, rating="false", summary="Không chữa được.", explanation="-")
    page = commit(desk.verdict_approve, claim=claim, approver=lead)
    assert "trending-heading" not in render_after_change(client, "/")
    commit(trending.pin, page=page, user=editor_user)
    html = render_after_change(client, "/")
    assert "trending-heading" in html and text in html


def test_a_clarification_shows_a_reopened_claim_and_its_correction_on_the_next_request(client, commit, unit):
    from citydesk.desk import services as desk
    from citydesk.desk.models import Channel, HarmCategory

    verifier, lead = make_user("kiemchung", roles.DESK_VERIFIER, unit=unit), make_user("truongnhom", roles.DESK_LEAD)
    text = "Sắp có bão cấp 17 đổ bộ vào thành phố tối nay"
    claim = desk.report_receive(channel=Channel.WEB, text=text, category=HarmCategory.DISASTER).claim
    desk.evidence_add(claim=claim, actor=verifier, url="https://nchmf.gov.vn/bao", title="Trung tâm Dự báo")
    desk.verdict_propose(claim=claim, verifier=verifier, rating="false", summary="Không có bão.", explanation="-")
    page = commit(desk.verdict_approve, claim=claim, approver=lead)
    client.get(page.url)
    html = render(client, page.url)[0]
    assert "Trung tâm Dự báo" in html and 'role="status"' not in html
    commit(desk.claim_reopen, claim=claim, actor=lead, note="Trung tâm Dự báo cập nhật bản tin mới.")
    html = render_after_change(client, page.url)
    assert "Trung tâm Dự báo cập nhật bản tin mới." in html and 'role="status"' in html
