"""Every public page carries an Open Graph card, a canonical link and hreflang alternates, all absolute."""

import re
from html import unescape

import pytest

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.desk import services as desk
from citydesk.desk.models import Channel, HarmCategory

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"  # the test Site (localhost:80)


@pytest.fixture
def clarification(unit):
    verifier = make_user("kiemchung", roles.DESK_VERIFIER, unit=unit)
    lead = make_user("truongnhom", roles.DESK_LEAD)
    claim = desk.report_receive(
        channel=Channel.WEB, text="Uống nước chanh nóng chữa khỏi sốt xuất huyết", category=HarmCategory.HEALTH
    ).claim
    desk.evidence_add(claim=claim, actor=verifier, url="https://moh.gov.vn/sxh", title="Bộ Y tế")
    desk.verdict_propose(
        claim=claim, verifier=verifier, rating="false", summary="Nước chanh không chữa được.", explanation="Bộ Y tế."
    )
    return desk.verdict_approve(claim=claim, approver=lead)


def head_tags(html: str) -> dict:
    def meta(prop):
        found = re.search(rf'<meta property="{prop}" content="([^"]*)">', html)
        return unescape(found.group(1)) if found else None

    return {
        "og:title": meta("og:title"),
        "og:description": meta("og:description"),
        "og:image": meta("og:image"),
        "og:type": meta("og:type"),
        "og:url": meta("og:url"),
        "canonical": (re.search(r'<link rel="canonical" href="([^"]*)">', html) or [None, None])[1],
        "alternates": dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]*)">', html)),
    }


def public_paths(article, clarification, contributor_user, topic):
    return {
        "home": ("/", "website"),
        "topic": (topic.url, "website"),
        "article": (article.url, "article"),
        "fact_check_index": (clarification.get_parent().url, "website"),
        "clarification": (clarification.url, "article"),
        "methodology": (clarification.get_parent().url + "phuong-phap/", "website"),
        "search": ("/tim-kiem/?q=s%E1%BB%91t", "website"),
        "contributor": (f"/tac-gia/{contributor_user.contributor_profile.pk}/", "website"),
        "community_gallery": ("/cong-dong/", "website"),
        "community_sign_in": ("/cong-dong/dang-nhap/", "website"),
        "official_accounts": ("/tai-khoan-chinh-thuc/", "website"),
        "tip_form": ("/hoi-dap-kiem-chung/", "website"),
    }


def test_every_public_page_type_has_an_absolute_card_canonical_and_alternates(
    client, make_article, clarification, contributor_user, topic
):
    article = make_article(title="Phòng chống sốt xuất huyết", lead="Diệt lăng quăng mỗi tuần.", publish=True)
    for name, (path, og_type) in public_paths(article, clarification, contributor_user, topic).items():
        for prefix, language in (("", "vi"), ("/en", "en")):
            response = client.get(prefix + path)
            assert response.status_code == 200, (name, prefix)
            html = response.content.decode()
            assert f'<html lang="{language}">' in html, name
            tags = head_tags(html)
            bare = path.split("?")[0]
            assert tags["canonical"] == f"{ROOT}{prefix}{bare}", (name, tags)
            assert tags["og:url"] == tags["canonical"], name
            assert tags["alternates"] == {
                "vi": f"{ROOT}{bare}",
                "en": f"{ROOT}/en{bare}",
                "x-default": f"{ROOT}{bare}",
            }, name
            assert tags["og:type"] == og_type, name
            assert tags["og:title"] and tags["og:description"], (name, tags)
            assert tags["og:image"].startswith(ROOT + "/"), (name, tags)
            assert client.get(tags["og:image"][len(ROOT) :]).status_code == 200, name


def test_article_and_clarification_cards_say_what_the_page_says(client, make_article, clarification):
    article = make_article(title="Phòng chống sốt xuất huyết", lead="Diệt lăng quăng mỗi tuần.", publish=True)
    tags = head_tags(client.get(article.url).content.decode())
    assert tags["og:title"] == "Phòng chống sốt xuất huyết"
    assert tags["og:description"] == "Diệt lăng quăng mỗi tuần."
    tags = head_tags(client.get(clarification.url).content.decode())
    assert tags["og:title"] == clarification.title
    assert tags["og:description"] == "Sai: Nước chanh không chữa được."


def test_article_with_a_main_image_shares_a_1200x630_rendition(client, make_article):
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images.models import Image

    buffer = BytesIO()
    PILImage.new("RGB", (1600, 1000), (30, 120, 60)).save(buffer, "JPEG")
    image = Image.objects.create(title="Ảnh", file=ImageFile(buffer, name="anh.jpg"))
    article = make_article(title="Có ảnh", publish=False)
    article.main_image, article.main_image_alt = image, "Một bức ảnh"
    article.save_revision().publish()
    tags = head_tags(client.get(article.url).content.decode())
    assert tags["og:image"].startswith(ROOT + "/media/images/")
    assert "1200x630" in tags["og:image"]


def test_pagination_keeps_its_page_in_the_canonical_link(client, topic):
    tags = head_tags(client.get(topic.url + "?trang=2&fbclid=abc").content.decode())
    assert tags["canonical"] == f"{ROOT}{topic.url}?trang=2"


def test_language_links_lead_to_the_same_page_in_the_other_language(client, make_article):
    url = make_article(publish=True).url
    html = client.get(url).content.decode()
    assert f'<a href="/en{url}" hreflang="en"' in html
    assert "csrfmiddlewaretoken" not in html  # nothing on a public page depends on the reader's session
    english = client.get(f"/en{url}").content.decode()
    assert f'<a href="{url}" hreflang="vi"' in english
