"""Attacks on the tiplines over HTTP: bodies built to crash the parsers, replays of old signed Zalo
events, javascript: links, and decompression bombs sent as photos. Each gets a 4xx (or a polite
reply) and stores nothing."""

import io
import json
import time

import pytest
from PIL import Image

from citydesk.desk.models import Claim, Report
from citydesk.intake import zalo
from citydesk.intake.models import InboundUpdate

from .conftest import TELEGRAM_SECRET, ZALO_OA_SECRET, telegram_update, zalo_event

pytestmark = pytest.mark.django_db

TELEGRAM = "/intake/telegram/"
ZALO = "/intake/zalo/"
TIP = "Thông báo: từ tháng sau người dân phải nộp phí 500.000 đồng để giữ số điện thoại chính chủ"


def stored() -> tuple[int, int, int]:
    return Report.objects.count(), Claim.objects.count(), InboundUpdate.objects.count()


def post_telegram(client, raw: bytes):
    return client.post(
        TELEGRAM,
        data=raw,
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )


def post_zalo(client, raw: bytes, *, signature: str | None = None):
    header = signature if signature is not None else zalo.sign(raw, ZALO_OA_SECRET)
    return client.post(ZALO, data=raw, content_type="application/json", headers={"X-ZEvent-Signature": header})


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def bomb_png(side: int = 7000) -> bytes:
    """A 1-bit PNG of side × side pixels: a few KB on the wire, ~side² × 4 bytes once decoded."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    return out.getvalue()


# --- 9. Bodies that crashed the webhooks ---------------------------------------------------------


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_telegram_body_nested_thousands_deep_is_400(client, fake_telegram, depth):
    inside = {"update_id": 1, "message": {"chat": {"id": 1, "type": "private"}, "text": json.loads("[]")}}
    raw = json.dumps(inside).encode().replace(b"[]", nested(depth))
    response = post_telegram(client, raw)
    assert response.status_code == 400
    assert stored() == (0, 0, 0)


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_unsigned_zalo_body_nested_thousands_deep_is_403_before_any_parsing(client, fake_zalo, depth):
    response = post_zalo(client, nested(depth), signature="mac=" + "0" * 64)
    assert response.status_code == 403
    assert stored() == (0, 0, 0)


def test_signed_zalo_event_nested_thousands_deep_is_400(client, fake_zalo):
    event = zalo_event("deep-1", "x")
    raw = json.dumps(event).encode().replace(b'"x"', nested(5000))
    response = post_zalo(client, raw)
    assert response.status_code == 400
    assert stored() == (0, 0, 0)


def test_telegram_photo_sizes_mixing_strings_and_numbers_is_400(client, fake_telegram):
    update = telegram_update(
        7001,
        caption=TIP,
        photo=[
            {"file_id": "a", "file_unique_id": "a", "width": 90, "height": 90, "file_size": "1200"},
            {"file_id": "b", "file_unique_id": "b", "width": 320, "height": 320, "file_size": 9000},
        ],
    )
    response = post_telegram(client, json.dumps(update).encode())
    assert response.status_code == 400
    assert stored() == (0, 0, 0)
    assert fake_telegram.calls == []  # nothing fetched, nobody answered


def test_telegram_text_with_nul_and_lone_surrogates_is_stored_cleanly(client, fake_telegram):
    raw = json.dumps(telegram_update(7002, TIP + " \x00 \ud800 hết")).encode()  # ensure_ascii: \u0000, \ud800
    response = post_telegram(client, raw)
    assert response.status_code == 200 and response.json()["handled"] == "received"
    text = Report.objects.get().text
    assert "\x00" not in text and "\ud800" not in text and text.endswith("hết")


# --- 10. Replays of old signed Zalo events -------------------------------------------------------


def test_replay_of_an_old_signed_zalo_event_is_refused_and_stores_nothing(client, fake_zalo, settings):
    event = zalo_event("replay-1", TIP)
    event["timestamp"] = str(int((time.time() - settings.CITYDESK_ZALO_EVENT_MAX_AGE_SECONDS - 60) * 1000))
    response = post_zalo(client, json.dumps(event).encode())  # correctly signed, but old
    assert response.status_code == 403 and "replay" in response.json()["error"]
    assert stored() == (0, 0, 0)
    assert fake_zalo.calls == []


def test_a_signed_zalo_event_from_the_future_is_refused(client, fake_zalo, settings):
    event = zalo_event("future-1", TIP)
    event["timestamp"] = str(int((time.time() + 2 * settings.CITYDESK_ZALO_EVENT_MAX_AGE_SECONDS) * 1000))
    assert post_zalo(client, json.dumps(event).encode()).status_code == 403
    assert stored() == (0, 0, 0)


def test_a_fresh_zalo_event_delivered_twice_in_the_window_is_stored_once(client, fake_zalo):
    raw = json.dumps(zalo_event("twice-1", TIP)).encode()
    assert post_zalo(client, raw).json()["handled"] == "received"
    assert post_zalo(client, raw).json()["handled"] == "duplicate"
    assert stored() == (1, 1, 1)


def test_message_ids_are_kept_longer_than_the_replay_window(client, fake_zalo, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    settings.CITYDESK_ZALO_EVENT_MAX_AGE_SECONDS = 30 * 24 * 3600  # an operator widens the window
    raw = json.dumps(zalo_event("kept-1", TIP)).encode()
    assert post_zalo(client, raw).json()["handled"] == "received"
    InboundUpdate.objects.update(received_at=timezone.now() - timedelta(days=20))
    call_command("send_pending_answers", stdout=io.StringIO())
    assert InboundUpdate.objects.count() == 1  # the 7-day default purge would have let a replay in
    assert post_zalo(client, raw).json()["handled"] == "duplicate"


def test_a_zalo_signature_is_checked_on_the_raw_bytes(client, fake_zalo):
    raw = json.dumps(zalo_event("raw-1", TIP)).encode()
    signature = zalo.sign(raw, ZALO_OA_SECRET)
    reformatted = json.dumps(json.loads(raw), indent=1).encode()  # same JSON, other bytes
    assert post_zalo(client, reformatted, signature=signature).status_code == 403
    assert stored() == (0, 0, 0)


# --- 10. javascript: links -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "link", ["javascript:alert(document.cookie)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,x"]
)
def test_a_javascript_text_link_from_telegram_is_not_stored_as_a_link(client, fake_telegram, link):
    text = "Bấm vào đây để nhận hỗ trợ 2 triệu đồng từ thành phố"
    update = telegram_update(7100, text, entities=[{"type": "text_link", "offset": 0, "length": 7, "url": link}])
    assert post_telegram(client, json.dumps(update).encode()).json()["handled"] == "received"
    report = Report.objects.get()
    assert report.url == "" and report.text == text


def test_a_text_link_after_a_javascript_one_is_kept(client, fake_telegram):
    entities = [
        {"type": "text_link", "offset": 0, "length": 3, "url": "javascript:alert(1)"},
        {"type": "text_link", "offset": 4, "length": 3, "url": "https://tin-gia.example/bai"},
    ]
    update = telegram_update(7101, "Bấm vào đây nhận tiền hỗ trợ của thành phố ngay hôm nay", entities=entities)
    post_telegram(client, json.dumps(update).encode())
    assert Report.objects.get().url == "https://tin-gia.example/bai"


def test_a_javascript_link_attachment_from_zalo_is_not_stored_as_a_link(client, fake_zalo):
    event = zalo_event(
        "link-js",
        event_name="user_send_link",
        attachments=[{"type": "link", "payload": {"url": "javascript:alert(1)", "title": TIP}}],
    )
    assert post_zalo(client, json.dumps(event).encode()).json()["handled"] == "received"
    report = Report.objects.get()
    assert report.url == "" and report.text == TIP


def test_a_stored_javascript_link_is_shown_as_text_on_the_claim_screen(client, verifier):
    from citydesk.desk import services as desk
    from citydesk.desk.models import Channel, Report

    # A report stored before this fix still carries the address (report_receive now drops it).
    report = desk.report_receive(channel=Channel.TELEGRAM, text=TIP)
    Report.objects.filter(pk=report.pk).update(url="javascript:alert(document.cookie)")
    desk.report_receive(channel=Channel.TELEGRAM, text=TIP + " nữa", url="https://tin-gia.example/phi-sim")
    client.force_login(verifier)
    page = client.get(f"/admin/desk/claims/{report.claim_id}/").content.decode()
    assert 'href="javascript:' not in page
    assert "<code>javascript:alert(document.cookie)</code>" in page
    assert 'href="https://tin-gia.example/phi-sim"' in page


# --- 11. Decompression bombs --------------------------------------------------------------------


def test_a_bomb_photo_on_telegram_gets_a_polite_reply_and_nothing_is_stored(client, fake_telegram):
    bomb = bomb_png()
    assert len(bomb) < 20_000
    fake_telegram.files["b0mb"] = bomb
    update = telegram_update(
        7200, caption=TIP, photo=[{"file_id": "b0mb", "file_unique_id": "b", "width": 90, "height": 90}]
    )
    started = time.process_time()
    response = post_telegram(client, json.dumps(update).encode())
    assert time.process_time() - started < 1.0  # refused from the header, not after inflating 49 MP
    assert response.json()["handled"] == "bad_image"
    # No report, no claim; only the message id is kept (re-deliveries), its content and chat id gone.
    assert stored() == (0, 0, 1)
    assert list(InboundUpdate.objects.values_list("state", "payload")) == [("done", {})]
    assert "điểm ảnh" in fake_telegram.messages()[0]["text"]


def test_a_bomb_on_the_tip_form_is_a_vietnamese_form_error(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("anh.png", bomb_png(), content_type="image/png")
    response = client.post("/hoi-dap-kiem-chung/", {"text": TIP, "image": upload})
    assert response.status_code == 400 and "quá nhiều điểm ảnh" in response.content.decode()
    assert stored() == (0, 0, 0)
