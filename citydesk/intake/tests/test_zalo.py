"""The Zalo OA tipline over real HTTP: signed webhook events in, consultation messages out (fake OA API)."""

import json
import time

import pytest
import requests

from citydesk.desk.models import Claim, Report
from citydesk.intake import zalo
from citydesk.intake.delivery import DeliveryError
from citydesk.intake.models import InboundUpdate, PlatformToken

from .conftest import ZALO_OA_SECRET, answer_claim, zalo_event
from .fakes import jpeg_with_exif

pytestmark = pytest.mark.django_db
WEBHOOK = "/intake/zalo/"


def post_event(send, event, *, secret: str = ZALO_OA_SECRET, signature: str | None = None):
    raw = json.dumps(event, ensure_ascii=False).encode()
    headers = {"X-ZEvent-Signature": signature if signature is not None else zalo.sign(raw, secret)}
    return send(raw, headers)


def via_http(base_url):
    def send(raw, headers):
        return requests.post(
            base_url + WEBHOOK, data=raw, headers={"Content-Type": "application/json", **headers}, timeout=30
        )

    return send


def via_client(client):
    def send(raw, headers):
        return client.post(WEBHOOK, data=raw, content_type="application/json", headers=headers)

    return send


def test_tip_on_checked_claim_is_answered_through_the_oa_message_api(live_server, fake_zalo, published_claim):
    event = zalo_event(
        "zm-1", "Nghe nói uống nước chanh nóng thì chữa khỏi bệnh sốt xuất huyết chỉ trong 3 ngày, có đúng không?"
    )
    response = post_event(via_http(live_server.url), event)

    assert response.status_code == 200 and response.json()["handled"] == "answered"
    [sent] = fake_zalo.messages()
    assert sent["recipient"] == {"user_id": "2468013579"}
    assert "SAI" in sent["message"]["text"]
    assert published_claim.clarification_page.get_full_url() in sent["message"]["text"]
    report = Report.objects.get(channel="zalo")
    assert report.claim_id == published_claim.pk and report.reply_handle == "zalo:2468013579"
    assert report.answered_at is not None


@pytest.mark.parametrize("signature", ["", "mac=0000", "sha256=abc"])
def test_wrong_signature_is_403_and_stores_nothing(client, fake_zalo, signature):
    response = post_event(
        via_client(client), zalo_event("zm-2", "Tin đồn bất kỳ để thử chữ ký sai"), signature=signature
    )
    assert response.status_code == 403
    assert (Report.objects.count(), InboundUpdate.objects.count()) == (0, 0)
    assert fake_zalo.calls == []


def test_a_body_changed_after_signing_is_refused(client, fake_zalo):
    raw = json.dumps(zalo_event("zm-3", "nội dung gốc"), ensure_ascii=False).encode()
    signature = zalo.sign(raw, ZALO_OA_SECRET)
    tampered = raw.replace("nội dung gốc".encode(), "nội dung sửa".encode())
    response = client.post(
        WEBHOOK, data=tampered, content_type="application/json", headers={"X-ZEvent-Signature": signature}
    )
    assert response.status_code == 403 and Report.objects.count() == 0


def test_expired_access_token_is_refreshed_once_and_kept_encrypted(client, fake_zalo):
    fake_zalo.expire_token()  # Zalo answers HTTP 200 with error -216 to the configured token
    response = post_event(
        via_client(client), zalo_event("zm-4", "Thành phố sẽ thu hồi toàn bộ sổ đỏ cấp trước năm 2000 từ tháng sau")
    )

    assert response.json()["handled"] == "received"
    assert len(fake_zalo.messages()) == 1
    refresh = [call for call in fake_zalo.calls if call["path"] == "/v4/oa/access_token"]
    assert refresh[0]["form"]["grant_type"] == "refresh_token" and refresh[0]["secret_key"] == "app-secret"
    stored = PlatformToken.objects.get(platform="zalo")
    assert stored.access_token == fake_zalo.access_token  # the rotated pair is used from now on
    assert fake_zalo.access_token not in stored.access_token_encrypted  # never in clear in the database
    assert fake_zalo.refresh_token not in stored.refresh_token_encrypted


def test_http_200_with_an_error_field_is_a_failure(fake_zalo):
    fake_zalo.message_error = {"error": -213, "message": "User has not interacted with the OA in the last 7 days"}
    with pytest.raises(DeliveryError) as failure:
        zalo.official_account().send_text("2468013579", "Xin chào")
    assert failure.value.error == -213


def test_image_from_zalo_media_is_stored_clean_and_other_hosts_are_refused(client, fake_zalo, settings):
    fake_zalo.media["a.jpg"] = jpeg_with_exif()
    event = zalo_event(
        "zm-5",
        "Ảnh công văn giả mạo Sở Y tế yêu cầu nộp phí xét nghiệm tại nhà cho mọi hộ gia đình",
        event_name="user_send_image",
        attachments=[
            {
                "type": "image",
                "payload": {"thumbnail": fake_zalo.url + "/media/a.jpg", "url": fake_zalo.url + "/media/a.jpg"},
            }
        ],
    )
    assert post_event(via_client(client), event).json()["handled"] == "received"
    assert Report.objects.get().image

    settings.CITYDESK_ZALO_MEDIA_HOSTS = ["zdn.vn"]
    event = zalo_event(
        "zm-6",
        "ảnh khác",
        event_name="user_send_image",
        attachments=[{"type": "image", "payload": {"url": fake_zalo.url + "/media/a.jpg"}}],
    )
    assert post_event(via_client(client), event).json()["handled"] == "bad_image"
    assert Report.objects.count() == 1


def test_new_tip_is_followed_up_on_zalo_when_published(
    client, fake_zalo, verifier, lead, django_capture_on_commit_callbacks
):
    post_event(
        via_client(client),
        zalo_event("zm-7", "Từ tháng 12 người đi xe máy phải mua thêm bảo hiểm 500 nghìn đồng mỗi năm"),
    )
    claim = Claim.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        page = answer_claim(
            claim,
            by=verifier,
            approver=lead,
            source=("https://mof.gov.vn/bao-hiem", "Bộ Tài chính"),
            summary="Không có quy định mới nào như vậy.",
            explanation="Bộ Tài chính chưa ban hành quy định này.",
        )
    followup = fake_zalo.messages()[-1]
    assert followup["recipient"] == {"user_id": "2468013579"} and page.get_full_url() in followup["message"]["text"]


def test_events_without_a_message_are_ignored(client, fake_zalo):
    now = str(int(time.time() * 1000))
    event = {"app_id": "4301234", "event_name": "follow", "timestamp": now, "follower": {"id": "1"}}
    assert post_event(via_client(client), event).json()["handled"] == "ignored"
    assert post_event(via_client(client), {"app_id": "1", "timestamp": now}).status_code == 400
    assert Report.objects.count() == 0


def test_the_tipline_uses_the_oa_tokens_of_the_channel_account_when_there_is_one(client, fake_zalo):
    from citydesk.channels.models import ChannelAccount

    account = ChannelAccount(name="Zalo OA", kind="zalo", target="1122334455", app_id="4301234")
    account.set_secrets(token="access-0", refresh_token="refresh-0", app_secret="app-secret")
    account.save()
    fake_zalo.expire_token()
    post_event(via_client(client), zalo_event("zm-9", "Người dân phải nộp phí 50 nghìn để nhận tin nhắn cảnh báo bão"))
    account.refresh_from_db()
    assert account.token == fake_zalo.access_token  # one pair of tokens for the OA, refreshed in one place
    assert not PlatformToken.objects.exists()
    assert len(fake_zalo.messages()) == 1


def test_an_image_address_naming_zalo_after_a_backslash_is_not_fetched(client, fake_zalo, settings):
    """`http://127.0.0.1:P\\@zalo.me/…` goes to 127.0.0.1 in a browser and in every HTTP client; the
    media host check reads it the same way, and the download guard refuses loopback on its own."""
    from citydesk.core.tests.webservers import LocalWebServer

    internal = LocalWebServer()
    try:
        internal.reply("/secret.jpg", body=jpeg_with_exif())
        settings.CITYDESK_ZALO_MEDIA_HOSTS = ["zalo.me"]
        internal.allow(settings)  # even if the guard let it through, the host check must not
        image = {"type": "image", "payload": {"url": f"http://127.0.0.1:{internal.port}\\@zalo.me/secret.jpg"}}
        event = zalo_event("zm-20", "ảnh", event_name="user_send_image", attachments=[image])
        assert post_event(via_client(client), event).json()["handled"] == "bad_image"

        settings.CITYDESK_ZALO_MEDIA_HOSTS = ["127.0.0.1"]  # a careless setting…
        settings.CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS = []  # …and the guard as deployed
        image = {"type": "image", "payload": {"url": internal.url("/secret.jpg")}}
        event = zalo_event("zm-21", "ảnh", event_name="user_send_image", attachments=[image])
        assert post_event(via_client(client), event).json()["handled"] == "bad_image"
        assert internal.requests == [] and Report.objects.count() == 0
    finally:
        internal.close()
