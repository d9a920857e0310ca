"""The public side of the desk: clarification pages, their ClaimReview, the section and methodology."""

import json
import re

import pytest

from citydesk.desk import services
from citydesk.desk.models import Channel

pytestmark = pytest.mark.django_db

# Google's ClaimReview documentation: required and recommended properties.
REQUIRED = {"claimReviewed", "reviewRating", "url", "author"}
RECOMMENDED = {"datePublished", "itemReviewed"}
RATING_REQUIRED = {"ratingValue", "bestRating", "worstRating", "alternateName"}


def json_ld(html: str) -> list[dict]:
    return [
        json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


@pytest.fixture
def published(proposed_claim, lead):
    services.report_receive(
        channel=Channel.TELEGRAM,
        text="chanh nong chua sot xuat huyet",
        url="https://example.org/p/9",
        claim=proposed_claim,
    )
    return services.verdict_approve(claim=proposed_claim, approver=lead)


def test_clarification_carries_a_valid_claim_review(client, published, proposed_claim):
    data = json_ld(client.get(published.url).content.decode())
    assert len(data) == 1
    review = data[0]
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review.keys() >= REQUIRED
    assert review.keys() >= RECOMMENDED
    assert review["claimReviewed"] == proposed_claim.statement
    assert review["url"] == published.get_full_url()
    rating = review["reviewRating"]
    assert rating.keys() >= RATING_REQUIRED
    assert rating["@type"] == "Rating"
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert rating["alternateName"] == "Sai"
    assert review["author"]["@type"] == "GovernmentOrganization"
    assert review["author"]["name"]
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert [a["url"] for a in item["appearance"]] == ["https://example.com/bai-dang/123", "https://example.org/p/9"]
    assert item["firstAppearance"]["url"] == "https://example.com/bai-dang/123"
    assert "author" not in item  # claims, not people
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])


def test_clarification_page_shows_verdict_sources_byline_and_dates(client, published, verifier, lead):
    html = client.get(published.url).content.decode()
    assert "Kết luận: <strong>Sai</strong>" in html
    assert "Nước chanh không chữa được sốt xuất huyết." in html
    assert 'href="https://moh.gov.vn/sot-xuat-huyet"' in html
    assert "Chưa có thuốc điều trị đặc hiệu sốt xuất huyết." in html
    assert "Trung tâm Kiểm soát bệnh tật" in html  # the verifier's unit
    assert "Báo lần đầu" in html and "Đăng lúc" in html


def test_evidence_added_after_approval_does_not_change_the_public_page(client, published, proposed_claim, lead):
    services.claim_reopen(claim=proposed_claim, actor=lead, note="Kiểm tra lại nguồn.")
    services.evidence_add(claim=proposed_claim, actor=lead, url="https://moi.vn/x", title="Nguồn mới chưa duyệt")
    html = client.get(published.url).content.decode()
    assert "Nguồn mới chưa duyệt" not in html
    assert "Kiểm tra lại nguồn." in html
    assert "đang được kiểm tra lại" in html


def test_fact_check_section_lists_clarifications_and_links_the_methodology(client, published):
    section = published.get_parent()
    html = client.get(section.url).content.decode()
    assert published.title in html
    assert "verdict-false" in html
    methodology = client.get(f"{section.url}phuong-phap/")
    assert methodology.status_code == 200
    body = methodology.content.decode()
    assert "Chưa đủ căn cứ" in body and "Gây hiểu lầm" in body
    assert 'href="/kiem-chung/"' in client.get("/").content.decode()  # in the navigation


@pytest.mark.parametrize("query", ["nuoc chanh sot xuat huyet", "nước chanh"])
def test_site_search_finds_clarifications_with_or_without_diacritics(client, published, query):
    html = client.get("/tim-kiem/", {"q": query}).content.decode()
    assert "Kiểm chứng" in html
    assert f'href="{published.url}"' in html
    assert "verdict-false" in html


def test_clarifications_feeds_list_published_clarifications_with_their_verdicts(client, published):
    from defusedxml import ElementTree as ET

    unpublished = services.report_receive(channel=Channel.WEB, text="Cầu Rồng đóng cửa vĩnh viễn từ tháng sau").claim
    rss = client.get("/kiem-chung/rss.xml")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    assert channel.findtext("language") == "vi"
    assert channel.findtext("link") == "http://testserver/kiem-chung/"  # the request's host, like /rss.xml
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [published.claim.public_statement]
    assert items[0].findtext("link") == f"http://testserver{published.url}"
    assert items[0].findtext("description") == "Kết luận: Sai. Nước chanh không chữa được sốt xuất huyết."
    assert unpublished.statement not in rss.content.decode()

    atom = client.get("/kiem-chung/atom.xml")
    ns = "{http://www.w3.org/2005/Atom}"
    entries = ET.fromstring(atom.content).findall(f"{ns}entry")
    assert [entry.findtext(f"{ns}title") for entry in entries] == [published.claim.public_statement]
    # The office speaks for the desk: no verifier's name in the feed.
    assert entries[0].find(f"{ns}author/{ns}name").text == "Cổng thông tin thành phố"


def test_every_page_and_the_section_link_the_clarifications_feeds(client, published):
    home = client.get("/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Kiểm chứng (RSS)" href="/kiem-chung/rss.xml">' in home
    )
    assert 'href="/kiem-chung/atom.xml"' in home
    section = client.get(published.get_parent().url).content.decode()
    assert 'class="feeds"' in section and 'href="/kiem-chung/rss.xml"' in section
    english = client.get("/en/").content.decode()
    assert 'href="/en/kiem-chung/rss.xml"' in english
