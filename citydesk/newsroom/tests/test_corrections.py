"""Public corrections of articles: on the page, in dateModified, in the corrections log and its feed
(with the clarifications' corrections), and sent through the outbox to the channels that carried it."""

import json
import re

import pytest
from django.urls import reverse

from citydesk.channels import services as channels
from citydesk.channels.models import ChannelAccount, Delivery, Publication
from citydesk.desk import services as desk
from citydesk.desk.tests.conftest import claim, evidenced_claim, proposed_claim  # noqa: F401
from citydesk.newsroom.models import ArticleCorrection

pytestmark = pytest.mark.django_db

URL = "newsroom_correct_article"


@pytest.fixture
def carried(make_article, editor_user):
    """A published article that went out to a Telegram channel."""
    article = make_article(publish=True)
    account = ChannelAccount(name="Kênh Telegram thành phố", kind="telegram", target="@tinthanhpho")
    account.set_secrets(token="123:abc")
    account.save()
    channels.publish(
        page=article, accounts=[account], actor=editor_user, title=article.title, summary="", link=article.full_url
    )
    return article, account


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_a_correction_appears_on_the_page_in_the_log_in_the_feed_and_in_the_outbox(client, editor_user, carried):
    article, account = carried
    before = json_ld(client.get(article.url).content.decode())["dateModified"]
    client.force_login(editor_user)
    form = client.get(reverse(URL, args=[article.pk]))
    assert form.status_code == 200 and "Kênh Telegram thành phố" in form.content.decode()
    response = client.post(
        reverse(URL, args=[article.pk]),
        {
            "what_changed": "Sửa giờ phun thuốc: 7 giờ sáng thứ Bảy, không phải Chủ nhật.",
            "reason": "Trung tâm Kiểm soát bệnh tật đổi lịch sau khi bài được đăng.",
            "send_to_channels": "on",
        },
    )
    assert response.status_code == 302
    correction = ArticleCorrection.objects.get(article=article)
    client.logout()

    page = client.get(article.url).content.decode()
    assert "Sửa giờ phun thuốc" in page and "đổi lịch sau khi bài được đăng" in page
    modified = json_ld(page)["dateModified"]
    assert modified > before and modified == correction.created_at.isoformat()

    log = client.get("/dinh-chinh/").content.decode()
    assert "Sửa giờ phun thuốc" in log and article.url in log
    feed = client.get("/dinh-chinh/rss.xml")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/rss+xml")
    assert "Đính chính: Phòng chống sốt xuất huyết" in feed.content.decode()

    sent = Publication.objects.exclude(title=article.title).get()
    assert sent.title == "Đính chính: Phòng chống sốt xuất huyết" and sent.page_id == article.pk
    assert "Sửa giờ phun thuốc" in sent.summary
    assert list(Delivery.objects.filter(publication=sent).values_list("account_id", flat=True)) == [account.pk]


def test_the_log_lists_clarification_corrections_too(client, proposed_claim, lead):  # noqa: F811
    desk.verdict_approve(claim=proposed_claim, approver=lead)
    desk.claim_reopen(claim=proposed_claim, actor=lead, note="Bổ sung hướng dẫn mới của Bộ Y tế.")
    log = client.get("/dinh-chinh/").content.decode()
    assert "Bổ sung hướng dẫn mới của Bộ Y tế." in log
    assert proposed_claim.clarification_page.url in log
    assert "Bổ sung hướng dẫn mới" in client.get("/dinh-chinh/rss.xml").content.decode()


def test_a_contributor_cannot_correct_and_an_empty_reason_is_a_form_error(
    client, contributor_user, editor_user, carried
):
    article, _account = carried
    client.force_login(contributor_user)
    refused = client.post(reverse(URL, args=[article.pk]), {"what_changed": "x", "reason": "y"})
    assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail's "no permission"
    client.force_login(editor_user)
    response = client.post(reverse(URL, args=[article.pk]), {"what_changed": "Sửa số liệu", "reason": " "})
    assert response.status_code == 400 and "Trường này là bắt buộc" in response.content.decode()
    assert not ArticleCorrection.objects.exists()


def test_a_draft_cannot_get_a_correction(client, editor_user, make_article):
    draft = make_article()
    client.force_login(editor_user)
    response = client.post(reverse(URL, args=[draft.pk]), {"what_changed": "Sửa", "reason": "Vì sai"})
    assert response.status_code == 400 and not ArticleCorrection.objects.exists()
