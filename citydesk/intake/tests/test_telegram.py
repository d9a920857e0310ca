"""The Telegram tipline over real HTTP: our webhook on a live server, a fake Bot API on 127.0.0.1."""

import json

import pytest
import requests
from django.core.serializers.json import DjangoJSONEncoder
from django.test import override_settings
from PIL import Image

from citydesk.desk import services as desk
from citydesk.desk.models import Claim, ClaimEvent, ClaimStatus, Report
from citydesk.intake.answers import deliver_pending_answers
from citydesk.intake.models import InboundUpdate

from .conftest import CLAIM_TEXT, TELEGRAM_SECRET, answer_claim, telegram_update
from .fakes import jpeg_with_exif

pytestmark = pytest.mark.django_db

WEBHOOK = "/intake/telegram/"


def post_update(base_url: str, update, *, secret: str = TELEGRAM_SECRET, raw: bytes | None = None):
    return requests.post(
        base_url + WEBHOOK,
        data=raw if raw is not None else json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
        timeout=30,
    )


def stored() -> tuple[int, int, int]:
    return Report.objects.count(), Claim.objects.count(), InboundUpdate.objects.count()


def only_the_id_kept() -> bool:
    """No report, no claim; the message's id is remembered (re-deliveries) and its content and chat id gone."""
    kept = list(InboundUpdate.objects.values_list("state", "payload"))
    return (Report.objects.count(), Claim.objects.count()) == (0, 0) and kept == [("done", {})] * len(kept) != []


def test_tip_on_checked_claim_is_answered_in_the_same_request(live_server, fake_telegram, published_claim):
    reports_before = published_claim.report_count
    forwarded = "Uống nước chanh nóng chữa khỏi sốt xuất huyết trong 3 ngày!!! Chia sẻ ngay cho người thân"

    response = post_update(live_server.url, telegram_update(1001, forwarded))

    assert response.status_code == 200 and response.json()["handled"] == "answered"
    # The reply had reached the Bot API before our webhook answered.
    [sent] = fake_telegram.messages()
    assert sent["chat_id"] == "5550001"
    assert sent["reply_parameters"]["message_id"] == 1001
    assert "SAI" in sent["text"]  # the verdict, in Vietnamese
    assert "Nước chanh không chữa được sốt xuất huyết." in sent["text"]
    assert published_claim.clarification_page.get_full_url() in sent["text"]
    report = Report.objects.get(channel="telegram")
    assert report.claim_id == published_claim.pk and report.answered_at is not None
    assert report.answered_automatically
    assert report.reply_handle == "telegram:5550001"
    published_claim.refresh_from_db()
    assert published_claim.report_count == reports_before + 1


def test_new_tip_is_thanked_then_answered_when_its_clarification_is_published(
    live_server, fake_telegram, verifier, lead
):
    tip = "Bão số 5 sẽ đổ bộ vào Đà Nẵng tối nay, toàn bộ người dân phải sơ tán trước 18 giờ"
    response = post_update(live_server.url, telegram_update(2001, tip, chat_id=777))

    assert response.json()["handled"] == "received"
    [thanks] = fake_telegram.messages()
    assert "kiểm chứng" in thanks["text"] and "http" not in thanks["text"]
    report = Report.objects.get(channel="telegram")
    claim = report.claim
    assert claim.status == ClaimStatus.NEW and report.answered_at is None

    page = answer_claim(
        claim,
        by=verifier,
        approver=lead,
        source=("https://nchmf.gov.vn/bao", "Trung tâm Dự báo KTTV quốc gia"),
        summary="Không có bão số 5 nào hướng vào Đà Nẵng.",
        explanation="Bản tin của Trung tâm Dự báo khí tượng thủy văn quốc gia không có cơn bão nào.",
    )

    followup = fake_telegram.messages()[-1]
    assert followup["chat_id"] == "777"
    assert page.get_full_url() in followup["text"] and "SAI" in followup["text"]
    report.refresh_from_db()
    assert report.answered_at is not None and not report.answered_automatically  # a follow-up
    assert deliver_pending_answers() == (0, 0)  # nobody is answered twice


@pytest.mark.parametrize(
    "secret, raw, status",
    [
        ("wrong", None, 403),
        ("", None, 403),
        (TELEGRAM_SECRET, b"{not json", 400),
        (TELEGRAM_SECRET, b'{"message": {"text": "no update_id"}}', 400),
        (TELEGRAM_SECRET, b"[1, 2, 3]", 400),
        (TELEGRAM_SECRET, b'{"update_id": 5, "message": {"text": "no chat"}}', 400),
    ],
)
def test_bad_requests_are_refused_and_store_nothing(client, fake_telegram, secret, raw, status):
    update = telegram_update(3001, "Uống nước chanh chữa khỏi sốt xuất huyết, đúng không mọi người ơi?")
    response = client.post(
        WEBHOOK,
        data=raw if raw is not None else json.dumps(update),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )
    assert response.status_code == status
    assert "error" in response.json()
    assert stored() == (0, 0, 0) and fake_telegram.messages() == []


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 4001, "edited_message": {"message_id": 1, "chat": {"id": 1, "type": "private"}, "text": "x"}},
        {"update_id": 4002, "my_chat_member": {"chat": {"id": 1, "type": "private"}}},
        {"update_id": 4003, "channel_post": {"message_id": 1, "chat": {"id": -100, "type": "channel"}, "text": "x"}},
        telegram_update(4004, "Tin nhắn trong nhóm chat, bot không đọc nhóm", chat_id=-100123)
        | {"message": {**telegram_update(4004, "trong nhóm")["message"], "chat": {"id": -100123, "type": "group"}}},
    ],
)
def test_updates_the_tipline_does_not_handle_are_acknowledged_and_not_stored(client, fake_telegram, update):
    response = client.post(
        WEBHOOK,
        data=json.dumps(update),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )
    assert response.status_code == 200 and response.json()["handled"] == "ignored"
    assert stored() == (0, 0, 0) and fake_telegram.messages() == []


def _post(client, update):
    return client.post(
        WEBHOOK,
        data=json.dumps(update),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )


def test_a_redelivered_update_is_stored_once(client, fake_telegram):
    update = telegram_update(5001, "Từ mai thành phố cấm xe máy vào trung tâm từ 6 giờ đến 20 giờ hằng ngày")
    assert _post(client, update).json()["handled"] == "received"
    assert _post(client, update).json()["handled"] == "duplicate"
    assert Report.objects.count() == 1 and len(fake_telegram.messages()) == 1


def test_forwarded_message_keeps_the_text_but_never_who_posted_it(client, fake_telegram):
    update = telegram_update(
        5101,
        "Ngân hàng nhà nước phát tiền hỗ trợ 5 triệu đồng cho mỗi người, bấm vào link để nhận",
        forward_origin={
            "type": "user",
            "date": 1789990000,
            "sender_user": {"id": 42, "is_bot": False, "first_name": "Nguyễn Văn Lan"},
        },
        forward_from={"id": 42, "is_bot": False, "first_name": "Nguyễn Văn Lan"},
    )
    assert _post(client, update).json()["handled"] == "received"
    report = Report.objects.get()
    dumped = json.dumps(list(Report.objects.values()), cls=DjangoJSONEncoder, ensure_ascii=False) + json.dumps(
        list(ClaimEvent.objects.values_list("note", flat=True)), ensure_ascii=False
    )
    assert "Nguyễn Văn Lan" not in dumped and '"42"' not in dumped
    assert report.text.startswith("Ngân hàng nhà nước")


def test_photo_with_caption_is_fetched_through_get_file_and_stored_without_exif(client, fake_telegram):
    fake_telegram.files["ph0to"] = jpeg_with_exif()
    update = telegram_update(
        5201,
        caption="Ảnh chụp công văn giả mạo UBND thành phố về việc thu phí tiêm chủng cho trẻ em tại nhà",
        photo=[
            {"file_id": "sm4ll", "file_unique_id": "a", "width": 32, "height": 24, "file_size": 100},
            {"file_id": "ph0to", "file_unique_id": "b", "width": 64, "height": 48, "file_size": 2000},
        ],
    )
    assert _post(client, update).json()["handled"] == "received"
    report = Report.objects.get()
    assert report.text.startswith("Ảnh chụp công văn giả mạo")
    with report.image.open("rb") as stored_file, Image.open(stored_file) as image:
        assert image.size == (64, 48)
        assert not image.getexif() and "exif" not in image.info
    assert [call["method"] for call in fake_telegram.calls][:2] == ["getFile", "download"]


@pytest.mark.parametrize(
    "files, photo, expected",
    [
        ({"fake": b"<html>not an image</html>"}, {"file_id": "fake", "file_size": 26}, "không phải ảnh"),
        ({}, {"file_id": "huge", "file_size": 11 * 1024 * 1024}, "quá lớn"),
        ({}, {"file_id": "gone", "file_size": 10}, "không đọc được ảnh"),
    ],
)
def test_unusable_photos_get_a_polite_reply_and_nothing_is_stored(client, fake_telegram, files, photo, expected):
    fake_telegram.files.update(files)
    update = telegram_update(
        5301, caption="Xem ảnh này", photo=[{**photo, "file_unique_id": "x", "width": 1, "height": 1}]
    )
    assert _post(client, update).json()["handled"] == "bad_image"
    assert only_the_id_kept()
    [reply] = fake_telegram.messages()
    assert expected in reply["text"].lower()


def test_stickers_and_voice_notes_get_a_polite_reply(client, fake_telegram):
    update = telegram_update(
        5401, sticker={"file_id": "st", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1}
    )
    assert _post(client, update).json()["handled"] == "unsupported"
    assert only_the_id_kept()
    assert "ảnh" in fake_telegram.messages()[0]["text"]


def test_start_help_and_official_commands(client, fake_telegram):
    from citydesk.intake.models import OfficialAccount

    OfficialAccount.objects.create(
        name="Trang tin Sở Y tế", kind="facebook", value="https://www.facebook.com/SoYTeDaNang"
    )
    for update_id, text in [
        (6001, "/start"),
        (6002, "/help"),
        (6003, "/official fb.com/soytedanang"),
        (6004, "/official https://facebook.com/soyte.danang.gov"),
        (6005, "/official sở y tế"),
    ]:
        assert _post(client, telegram_update(update_id, text)).json()["handled"] == "command"
    start, help_, yes, no, by_name = (m["text"] for m in fake_telegram.messages())
    assert "Quyền riêng tư" in start and "30 ngày" in start
    assert "/official" in help_
    assert yes.startswith("Đúng: đây là tài khoản chính thức")
    assert no.startswith("Không có trong danh sách chính thức")
    assert "Trang tin Sở Y tế" in by_name
    assert only_the_id_kept()


def test_link_entities_count_utf16_units(client, fake_telegram):
    text = "😀😀 xem https://tin-gia.example/bai?utm_source=zalo ngay đi, họ bảo sắp cắt điện toàn thành phố 3 ngày"
    offset = len("😀😀 xem ".encode("utf-16-le")) // 2
    update = telegram_update(
        6101,
        text,
        entities=[{"type": "url", "offset": offset, "length": len("https://tin-gia.example/bai?utm_source=zalo")}],
    )
    _post(client, update)
    assert Report.objects.get().url == "https://tin-gia.example/bai?utm_source=zalo"


def test_a_failed_answer_is_retried_by_the_scheduler_and_not_sent_twice(client, fake_telegram, published_claim):
    fake_telegram.fail_with = {
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert _post(client, telegram_update(7001, CLAIM_TEXT + " có thật không?")).json()["handled"] == "answered"
    report = Report.objects.get(channel="telegram")
    assert report.answered_at is None

    fake_telegram.fail_with = None
    assert deliver_pending_answers() == (1, 0)
    assert deliver_pending_answers() == (0, 0)
    report.refresh_from_db()
    assert report.answered_at is not None
    assert "SAI" in fake_telegram.messages()[-1]["text"]


def test_chat_rate_limit(client, fake_telegram):
    with override_settings(CITYDESK_CHAT_RATE_LIMIT=2):
        results = [
            _post(
                client, telegram_update(8000 + i, f"Tin đồn số {i}: thành phố phát khẩu trang miễn phí ở mọi phường")
            ).json()["handled"]
            for i in range(3)
        ]
    assert results == ["received", "received", "rate_limited"]
    assert Report.objects.count() == 2


def test_not_configured_is_404(client, settings):
    settings.CITYDESK_TELEGRAM_BOT_TOKEN = ""
    assert client.post(WEBHOOK, data="{}", content_type="application/json").status_code == 404


def test_expired_reply_handles_are_purged_and_never_answered(client, fake_telegram, verifier, lead):
    from datetime import timedelta

    from django.utils import timezone

    _post(client, telegram_update(9001, "Thành phố sắp phát hành vé xe buýt miễn phí cho mọi người dân từ tháng sau"))
    report = Report.objects.get()
    later = timezone.now() + timedelta(days=31)
    assert desk.reply_handles_purge(now=later) == 1
    report.refresh_from_db()
    assert report.reply_handle == "" and report.reply_handle_expires_at is None

    claim = report.claim
    answer_claim(
        claim,
        by=verifier,
        approver=lead,
        source=("https://sogtvt.gov.vn/xe-buyt", "Sở Giao thông"),
        summary="Không có chương trình vé miễn phí.",
        explanation="Sở Giao thông vận tải chưa ban hành chính sách này.",
    )
    assert deliver_pending_answers() == (0, 0)
    assert len(fake_telegram.messages()) == 1  # only the thank-you, never a follow-up
