"""The outbox against fake Facebook, Telegram and Zalo servers on 127.0.0.1: exactly once, or gave up."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import Page

from citydesk.channels import services
from citydesk.channels.models import ChannelAccount, Delivery
from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.intake.tests.fakes import FakeTelegram, FakeZalo

from .fakes import FakeGraph

pytestmark = pytest.mark.django_db
S = Delivery.Status
PAGE_TOKEN, BOT_TOKEN = "EAAG-page-token-123456", "777:bot-token-abcdef"


@pytest.fixture
def editor(db):
    return make_user("bientap", roles.EDITOR)


@pytest.fixture
def graph(settings):
    settings.CITYDESK_CHANNEL_TIMEOUT = 1
    with FakeGraph("1029384756", PAGE_TOKEN, slow_seconds=2) as fake:
        settings.CITYDESK_FACEBOOK_API_URL = fake.url
        yield fake


@pytest.fixture
def telegram(settings):
    settings.CITYDESK_CHANNEL_TIMEOUT = 1
    with FakeTelegram(BOT_TOKEN) as fake:
        settings.CITYDESK_TELEGRAM_API_URL = fake.url
        yield fake


@pytest.fixture
def zalo(settings):
    with FakeZalo(access_token="za-1", refresh_token="zr-1", app_id="55", app_secret="zs") as fake:
        settings.CITYDESK_ZALO_API_URL = settings.CITYDESK_ZALO_OAUTH_URL = fake.url
        yield fake


def account(kind: str, target: str, **secrets) -> ChannelAccount:
    channel = ChannelAccount(name=f"Kênh {kind}", kind=kind, target=target, app_id="55")
    channel.set_secrets(**secrets)
    channel.save()
    return channel


@pytest.fixture
def facebook_page(graph):
    return account("facebook", graph.page_id, token=PAGE_TOKEN)


def queue(editor, *accounts, title="Thành phố khai trương tuyến xe buýt điện số 1"):
    page = Page.objects.get(depth=2)
    return services.publish(
        page=page,
        accounts=accounts,
        actor=editor,
        title=title,
        summary="Tuyến xe buýt điện đầu tiên chạy từ 5 giờ đến 22 giờ, giá vé 7.000 đồng.",
        link="http://localhost/tin-tuc/xe-buyt-dien/",
    )


def later(minutes: float) -> timezone.datetime:
    return timezone.now() + timedelta(minutes=minutes)


def test_a_post_reaches_every_channel_exactly_once(editor, graph, telegram, zalo, facebook_page):
    channels = [
        facebook_page,
        account("telegram", "@tinthanhpho", token=BOT_TOKEN),
        account("zalo", "1122334455", token="za-1", refresh_token="zr-1", app_secret="zs"),
        account("email", "bao-chi@example.vn, dan-cu@example.vn"),
    ]
    publication = queue(editor, *channels)

    assert services.deliver_due() == 4
    assert services.deliver_due(now=later(120)) == 0  # nothing is sent twice

    statuses = dict(publication.deliveries.values_list("account__kind", "status"))
    assert statuses == {"facebook": S.SENT, "telegram": S.SENT, "zalo": S.SENT, "email": S.SENT}
    assert len(graph.posts) == 1 and graph.posts[0]["message"].startswith("Thành phố khai trương")
    [sent] = telegram.messages()
    assert sent["chat_id"] == "@tinthanhpho" and sent["parse_mode"] == "HTML" and "<b>" in sent["text"]
    assert len(zalo.articles()) == 1 and zalo.articles()[0]["title"].startswith("Thành phố")
    # One message per address of the list: no reader sees the others (mailing/tests/test_mail_privacy.py).
    assert [message.to for message in mail.outbox] == [["bao-chi@example.vn"], ["dan-cu@example.vn"]]
    facebook = publication.deliveries.get(account=facebook_page)
    assert facebook.post_id == graph.posts[0]["id"] and facebook.post_url.endswith(facebook.post_id)
    telegram_delivery = publication.deliveries.get(account__kind="telegram")
    assert telegram_delivery.post_url.startswith("https://t.me/tinthanhpho/")


def test_429_with_retry_after_is_honoured_then_sent_once(editor, graph, facebook_page):
    graph.plan = [("retry_after", 600)]
    publication = queue(editor, facebook_page)
    services.deliver_due()
    delivery = publication.deliveries.get()
    assert delivery.status == S.FAILED and "request limit" in delivery.last_error
    assert delivery.next_attempt_at >= timezone.now() + timedelta(seconds=590)
    assert services.deliver_due(now=later(5)) == 0  # not before Retry-After
    services.deliver_due(now=later(11))
    delivery.refresh_from_db()
    assert delivery.status == S.SENT and delivery.attempts == 2 and len(graph.posts) == 1


def test_platform_errors_are_retried_with_backoff_until_sent(editor, graph, facebook_page):
    graph.plan = [("error", 500, 2), ("error", 503, 1)]
    publication = queue(editor, facebook_page)
    for minutes in (0, 90, 180):
        services.deliver_due(now=later(minutes))
    delivery = publication.deliveries.get()
    assert delivery.status == S.SENT and delivery.attempts == 3 and len(graph.posts) == 1


def test_persistent_failures_give_up_with_the_platform_error(editor, graph, facebook_page):
    graph.plan = [("error", 500, 2)] * 20
    publication = queue(editor, facebook_page)
    for hour in range(0, 48, 2):
        services.deliver_due(now=later(hour * 60))
    delivery = publication.deliveries.get()
    assert delivery.status == S.GAVE_UP and delivery.attempts == services.MAX_ATTEMPTS
    assert "Facebook báo lỗi 2" in delivery.last_error and graph.posts == []


def test_duplicate_506_is_never_retried(editor, graph, facebook_page):
    graph.posts.append(
        {"id": "x_1", "message": "Thành phố khai trương tuyến xe buýt điện số 1\n\nTuyến", "created_time": ""}
    )
    graph.plan = [("error", 400, 506)]
    publication = queue(editor, facebook_page)
    for minutes in (0, 60, 600):
        services.deliver_due(now=later(minutes))
    delivery = publication.deliveries.get()
    assert delivery.status == S.GAVE_UP and "506" in delivery.last_error and delivery.attempts == 1


def test_timeout_after_the_post_was_made_is_settled_from_the_page_feed(editor, graph, facebook_page):
    graph.plan = ["timeout_after_post"]
    publication = queue(editor, facebook_page)
    services.deliver_due()
    delivery = publication.deliveries.get()
    assert delivery.status == S.UNKNOWN
    services.deliver_due(now=later(1))  # reads the page's recent posts for this exact message
    delivery.refresh_from_db()
    assert delivery.status == S.SENT and delivery.post_id == graph.posts[0]["id"]
    assert len(graph.posts) == 1


@pytest.mark.parametrize("step", ["timeout_before_post", "html_500"])
def test_unknown_outcome_not_on_the_page_is_sent_again_only_after_checking(editor, graph, facebook_page, step):
    graph.plan = [step]
    publication = queue(editor, facebook_page)
    services.deliver_due()
    delivery = publication.deliveries.get()
    assert delivery.status == S.UNKNOWN
    services.deliver_due(now=later(1))  # checked, not found yet: still unknown, not re-posted
    delivery.refresh_from_db()
    assert delivery.status == S.UNKNOWN and graph.posts == []
    services.deliver_due(now=later(15))  # still not on the page after a while: certainly not posted
    services.deliver_due(now=later(16))
    delivery.refresh_from_db()
    assert delivery.status == S.SENT and len(graph.posts) == 1


def test_telegram_timeout_is_left_to_a_person(editor, telegram, settings):
    settings.CITYDESK_TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens
    channel = account("telegram", "@tinthanhpho", token=BOT_TOKEN)
    publication = queue(editor, channel)
    services.deliver_due()
    delivery = publication.deliveries.get()
    assert delivery.status == S.FAILED  # no connection at all: certainly not sent, retried

    telegram.fail_with = None
    slow = FakeGraph("0", "0")  # accepts the connection and answers too late: outcome unknown
    slow.plan = ["timeout_before_post"]
    with slow:
        settings.CITYDESK_TELEGRAM_API_URL = slow.url
        services.deliver_due(now=later(60))
    delivery.refresh_from_db()
    assert delivery.status == S.UNKNOWN
    services.deliver_due(now=later(600))
    delivery.refresh_from_db()
    assert delivery.status == S.UNKNOWN  # Telegram cannot be read back: a person decides
    services.mark_sent(delivery=delivery, actor=editor, post_url="https://t.me/tinthanhpho/1")
    delivery.refresh_from_db()
    assert delivery.status == S.SENT


def test_telegram_rate_limit_and_zalo_http_200_errors(editor, telegram, zalo):
    telegram.fail_with = {
        "error_code": 429,
        "description": "Too Many Requests: retry after 30",
        "parameters": {"retry_after": 30},
    }
    zalo.message_error = {"error": -201, "message": "Parameters are invalid"}
    tg = account("telegram", "@tinthanhpho", token=BOT_TOKEN)
    za = account("zalo", "1122334455", token="za-1", refresh_token="zr-1", app_secret="zs")
    publication = queue(editor, tg, za)
    services.deliver_due()
    assert set(publication.deliveries.values_list("status", flat=True)) == {S.FAILED}
    assert "Zalo báo lỗi -201" in publication.deliveries.get(account=za).last_error
    telegram.fail_with, zalo.message_error = None, None
    services.deliver_due(now=later(120))
    assert set(publication.deliveries.values_list("status", flat=True)) == {S.SENT}
    assert len(telegram.messages()) == 2  # the one refused with 429, then the one accepted
    assert len(zalo.articles()) == 1


def test_expired_zalo_token_is_refreshed_and_kept_encrypted(editor, zalo):
    zalo.expire_token()
    za = account("zalo", "1122334455", token="za-1", refresh_token="zr-1", app_secret="zs")
    queue(editor, za)
    services.deliver_due()
    za.refresh_from_db()
    assert za.token == zalo.access_token and zalo.access_token not in za.token_encrypted
    assert len(zalo.articles()) == 1


def test_invalid_token_gives_up_and_a_person_retries_after_fixing_it(editor, graph, facebook_page):
    facebook_page.set_secrets(token="wrong-token")
    facebook_page.save()
    publication = queue(editor, facebook_page)
    services.deliver_due()
    delivery = publication.deliveries.get()
    assert delivery.status == S.GAVE_UP and "190" in delivery.last_error
    facebook_page.set_secrets(token=PAGE_TOKEN)
    facebook_page.save()
    services.retry(delivery=delivery, actor=editor)
    services.deliver_due()
    delivery.refresh_from_db()
    assert delivery.status == S.SENT and len(graph.posts) == 1


def test_two_workers_never_take_the_same_delivery(editor, graph, facebook_page):
    publication = queue(editor, facebook_page)
    delivery = publication.deliveries.get()
    now = timezone.now()
    assert services._claim(delivery.pk, now) is True
    assert services._claim(delivery.pk, now) is False


def test_rules(editor, graph, facebook_page):
    contributor = make_user("congtacvien", roles.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        queue(contributor, facebook_page)
    facebook_page.is_active = False
    facebook_page.save()
    with pytest.raises(ValidationError):
        queue(editor, facebook_page)
    sent = queue(editor, account("email", "a@example.vn")).deliveries.get()
    services.deliver_due()
    with pytest.raises(ValidationError):
        services.retry(delivery=sent, actor=editor)


def test_secrets_never_appear_in_errors_or_logs(editor, caplog, settings):
    settings.CITYDESK_CHANNEL_TIMEOUT = 1
    caplog.set_level(logging.DEBUG)
    settings.CITYDESK_TELEGRAM_API_URL = settings.CITYDESK_FACEBOOK_API_URL = "http://127.0.0.1:9"
    channels = [
        account("telegram", "@kenh", token=BOT_TOKEN),  # the token is in the URL path
        account("facebook", "123", token=PAGE_TOKEN),
    ]
    publication = queue(editor, *channels)
    services.deliver_due()
    errors = " ".join(publication.deliveries.values_list("last_error", flat=True))
    assert errors and BOT_TOKEN not in errors and PAGE_TOKEN not in errors
    assert BOT_TOKEN not in caplog.text and PAGE_TOKEN not in caplog.text
    for channel in channels:
        assert BOT_TOKEN not in channel.token_encrypted and PAGE_TOKEN not in channel.token_encrypted


def test_an_image_goes_as_a_photo_post_with_the_text_as_its_caption(editor, graph, telegram):
    tg = account("telegram", "@tinthanhpho", token=BOT_TOKEN)
    fb = account("facebook", graph.page_id, token=PAGE_TOKEN)
    publication = services.publish(
        page=Page.objects.get(depth=2),
        accounts=[tg, fb],
        actor=editor,
        title="Cầu Rồng phun lửa tối thứ bảy",
        summary="Người dân nên đến sớm. " * 200,  # longer than a Telegram caption may be
        link="http://localhost/tin-tuc/cau-rong/",
        image_url="http://localhost/media/images/cau-rong.jpg",
    )
    services.deliver_due()
    assert set(publication.deliveries.values_list("status", flat=True)) == {S.SENT}
    [photo] = telegram.photos()
    assert photo["photo"].endswith("cau-rong.jpg") and len(photo["caption"]) <= 1024
    assert photo["caption"].endswith("http://localhost/tin-tuc/cau-rong/")
    [post] = graph.posts
    assert post["photo_url"].endswith("cau-rong.jpg") and post["message"].endswith("http://localhost/tin-tuc/cau-rong/")
    assert publication.deliveries.get(account=fb).post_id == post["id"]
