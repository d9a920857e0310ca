import json
import re
from datetime import timedelta

import pytest
from defusedxml import ElementTree as ET
from django.core.management import call_command
from django.utils import timezone

from citydesk.newsroom import services

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def articles(make_article):
    return {
        "da_nang": make_article(
            title="Chủ động ứng phó mưa lớn ở Đà Nẵng",
            lead="Người dân Đà Nẵng cần theo dõi tin chính thức.",
            paragraphs=["Mưa lớn kéo dài ở Đà Nẵng, nhất là vùng trũng."],
            publish=True,
        ),
        "mention": make_article(
            title="Lịch tiêm chủng tháng này",
            lead="Các trạm y tế tiêm chủng ngày 10 và 25.",
            paragraphs=["Chương trình áp dụng cho mọi phường của Đà Nẵng."],
            publish=True,
        ),
        # Folds to "da nang" word by word ("đã nắng") but is about the heat, not the city.
        "heat": make_article(
            title="Trời đã nắng gắt",
            lead="Uống đủ nước khi trời nắng nóng.",
            paragraphs=["Hạn chế ra ngoài buổi trưa."],
            publish=True,
        ),
        "draft": make_article(title="Bản nháp về Đà Nẵng", lead="Chưa xuất bản.", publish=False),
    }


def result_titles(response) -> list[str]:
    return re.findall(r"<h3><a [^>]*>([^<]+)</a></h3>", response.content.decode())


@pytest.mark.parametrize("query", ["da nang", "DA NANG", "Đà Nẵng", "đà nẵng", "Đà  Nẵng "])
def test_search_finds_da_nang_with_or_without_diacritics(client, articles, query):
    titles = result_titles(client.get("/tim-kiem/", {"q": query}))
    assert {articles["da_nang"].title, articles["mention"].title} <= set(titles)
    assert articles["draft"].title not in titles


def test_search_ranks_by_relevance(client, articles):
    # The Đà Nẵng article has the words in its title, lead and body; the other only once in its body.
    titles = result_titles(client.get("/tim-kiem/", {"q": "da nang"}))
    assert titles.index(articles["da_nang"].title) < titles.index(articles["mention"].title)


def test_search_typed_with_diacritics_puts_exact_matches_first(client, articles):
    # "đã nắng" folds to "da nang" too: typed without marks both readings are fair, typed with them not.
    titles = result_titles(client.get("/tim-kiem/", {"q": "Đà Nẵng"}))
    assert titles == [articles["da_nang"].title, articles["mention"].title, articles["heat"].title]
    titles = result_titles(client.get("/tim-kiem/", {"q": "đã nắng"}))
    assert titles[0] == articles["heat"].title


def test_search_without_match_says_so_in_vietnamese(client, articles):
    response = client.get("/tim-kiem/", {"q": "tàu vũ trụ"})
    assert response.status_code == 200
    assert "0 kết quả" in response.content.decode()


def test_empty_and_too_long_searches_get_vietnamese_errors(client, articles):
    empty = client.get("/tim-kiem/", {"q": "  "})
    assert empty.status_code == 400
    assert "Hãy nhập từ khóa" in empty.content.decode()
    too_long = client.get("/tim-kiem/", {"q": "a" * 201})
    assert too_long.status_code == 400
    assert "quá dài" in too_long.content.decode()


def test_rss_feed_is_valid_xml_with_live_articles(client, articles):
    response = client.get("/rss.xml")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert articles["da_nang"].title in titles
    assert articles["draft"].title not in titles
    assert channel.findtext("language") == "vi"
    link = channel.find("item").findtext("link")
    assert link.startswith("http://testserver/")


def test_atom_feed_is_valid_xml_with_authors(client, articles):
    response = client.get("/atom.xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    assert all(entry.find(f"{ATOM}author/{ATOM}name").text for entry in entries)


def test_sitemap_lists_live_pages_only(client, articles):
    urlset = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {url.findtext(f"{SITEMAP}loc") for url in urlset.findall(f"{SITEMAP}url")}
    # Canonical addresses come from the Wagtail Site record, whatever host the crawler used.
    assert articles["da_nang"].get_full_url() in locations
    assert articles["da_nang"].get_full_url().startswith("http://localhost/")
    assert not any("ban-nhap" in location for location in locations)


def test_robots_txt_points_to_the_sitemap_and_hides_the_admin(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_article_carries_parseable_news_article_json_ld(client, articles):
    article = articles["da_nang"]
    html = client.get(article.url).content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["author"][0]["name"] == "Congtacvien"
    assert data["author"][0]["affiliation"]["name"] == article.unit.name
    assert data["datePublished"].startswith(str(article.first_published_at.year))
    assert data["mainEntityOfPage"]["@id"] == article.get_full_url()


def test_json_ld_cannot_be_broken_out_of_by_a_title(client, make_article):
    article = make_article(title="</script><script>alert(1)</script>", publish=True)
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)" not in html
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(payload)["headline"] == article.title


def test_article_shows_byline_unit_and_dates(client, articles):
    article = articles["da_nang"]
    html = client.get(article.url).content.decode()
    assert "Congtacvien" in html
    assert article.unit.name in html
    assert "Đăng lúc" in html


def test_unknown_url_gets_the_vietnamese_404(client, articles):
    response = client.get("/trang-khong-ton-tai/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_english_pages_live_under_en(client, articles):
    response = client.get("/en/tim-kiem/", {"q": "da nang"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "results for" in body
    assert 'lang="vi"' in client.get("/").content.decode()


def test_scheduled_article_goes_live_when_the_scheduler_runs(make_article, editor_user):
    article = make_article()
    services.article_publish(article=article, user=editor_user, go_live_at=timezone.now() + timedelta(hours=1))
    article.refresh_from_db()
    assert not article.live
    assert article.scheduled_revision is not None

    call_command("run_scheduler", "--once")
    article.refresh_from_db()
    assert not article.live  # not yet due

    # Let the hour pass: move the scheduled time, in the revision and its approval, into the past.
    revision = article.scheduled_revision
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("run_scheduler", "--once")
    article.refresh_from_db()
    assert article.live


def test_server_error_page_is_vietnamese(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()


def test_language_switch_keeps_the_reader_on_the_same_page(client, articles):
    article = articles["da_nang"]
    response = client.post("/i18n/setlang/", {"language": "en", "next": article.url})
    assert response.status_code == 302
    assert response["Location"] == f"/en{article.url}"
    assert 'lang="en"' in client.get(response["Location"]).content.decode()


def test_byline_links_to_the_contributor_page_with_their_live_articles(client, articles, contributor_user):
    profile = contributor_user.contributor_profile
    html = client.get(articles["da_nang"].url).content.decode()
    assert f'href="/tac-gia/{profile.pk}/"' in html
    page = client.get(f"/tac-gia/{profile.pk}/").content.decode()
    assert profile.name in page
    assert profile.unit.name in page
    assert articles["da_nang"].title in page
    assert articles["draft"].title not in page


def test_inactive_contributor_keeps_their_page_and_bylines(client, articles, contributor_user):
    profile = contributor_user.contributor_profile
    profile.is_active = False
    profile.save()
    assert client.get(f"/tac-gia/{profile.pk}/").status_code == 200
    assert profile.name in client.get(articles["da_nang"].url).content.decode()


def test_unknown_contributor_gets_the_vietnamese_404(client, db):
    response = client.get("/tac-gia/999999/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_new_topics_appear_in_the_navigation(client, home):
    from citydesk.newsroom.models import TopicPage

    topic = TopicPage(title="Giáo dục", slug="giao-duc")
    home.add_child(instance=topic)
    topic.save_revision().publish()
    assert 'href="/giao-duc/"' in client.get("/").content.decode()


def test_english_pages_mark_vietnamese_content_and_say_it_is_vietnamese_only(client, articles):
    article = articles["da_nang"]
    english = client.get(f"/en{article.url}").content.decode()
    assert '<html lang="en">' in english
    assert 'class="language-notice" role="note">The office publishes in Vietnamese only' in english
    assert f'<h1 lang="vi">{article.title}</h1>' in english
    assert f'<p class="lead" lang="vi">{article.lead}</p>' in english
    assert '<div class="body" lang="vi">' in english
    assert 'class="author" lang="vi"' in english
    assert '<ul lang="vi">' in english  # the topics in the menu
    home = client.get("/en/").content.decode()
    assert f'<h3 lang="vi"><a href="/en/suc-khoe/{article.slug}/">{article.title}</a></h3>' in home
    assert f'<p lang="vi">{article.lead}</p>' in home
    # On Vietnamese pages the whole document is Vietnamese: no notice, no per-element marks.
    vietnamese = client.get(f"/suc-khoe/{article.slug}/").content.decode()
    assert '<html lang="vi">' in vietnamese
    assert "language-notice" not in vietnamese
    assert f"<h1>{article.title}</h1>" in vietnamese and '<div class="body">' in vietnamese
