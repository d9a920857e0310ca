import time

import pytest
from django.core.cache import cache

from citydesk.desk import services as desk
from citydesk.desk.tests.conftest import claim, evidenced_claim, proposed_claim  # noqa: F401

from .fakes import FakeTelegram, FakeZalo

TELEGRAM_TOKEN = "123456:TEST-token"
TELEGRAM_SECRET = "s3cret-webhook-token"
ZALO = {"app_id": "4301234", "app_secret": "app-secret", "access_token": "access-0", "refresh_token": "refresh-0"}
ZALO_OA_SECRET = "oa-secret-key"

CLAIM_TEXT = "Uống nước chanh nóng chữa khỏi sốt xuất huyết trong 3 ngày"  # the desk fixtures' claim


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def answer_claim(open_claim, *, by, approver, source: tuple[str, str], summary: str, explanation: str):
    """Take a claim through evidence, a proposed "false" verdict and its approval; returns the page."""
    desk.evidence_add(claim=open_claim, actor=by, url=source[0], title=source[1])
    desk.verdict_propose(claim=open_claim, verifier=by, rating="false", summary=summary, explanation=explanation)
    return desk.verdict_approve(claim=open_claim, approver=approver)


@pytest.fixture
def published_claim(proposed_claim, lead):  # noqa: F811
    desk.verdict_approve(claim=proposed_claim, approver=lead)
    proposed_claim.refresh_from_db()
    return proposed_claim


@pytest.fixture
def fake_telegram(settings):
    with FakeTelegram(TELEGRAM_TOKEN) as fake:
        settings.CITYDESK_TELEGRAM_BOT_TOKEN = TELEGRAM_TOKEN
        settings.CITYDESK_TELEGRAM_WEBHOOK_SECRET = TELEGRAM_SECRET
        settings.CITYDESK_TELEGRAM_API_URL = fake.url
        yield fake


@pytest.fixture
def fake_zalo(settings):
    with FakeZalo(**ZALO) as fake:
        settings.CITYDESK_ZALO_APP_ID = ZALO["app_id"]
        settings.CITYDESK_ZALO_APP_SECRET = ZALO["app_secret"]
        settings.CITYDESK_ZALO_ACCESS_TOKEN = ZALO["access_token"]
        settings.CITYDESK_ZALO_REFRESH_TOKEN = ZALO["refresh_token"]
        settings.CITYDESK_ZALO_OA_SECRET_KEY = ZALO_OA_SECRET
        settings.CITYDESK_ZALO_API_URL = fake.url
        settings.CITYDESK_ZALO_OAUTH_URL = fake.url
        settings.CITYDESK_ZALO_MEDIA_HOSTS = ["127.0.0.1"]
        # The fake's media are downloaded through the SSRF guard: open its one port, only in tests.
        settings.CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS = [fake.server.server_address[1]]
        yield fake


def telegram_update(update_id: int, text: str = "", *, chat_id: int = 5550001, **message) -> dict:
    """An Update as the Bot API sends it to a webhook (private chat)."""
    body = {
        "message_id": update_id % 10000,
        "from": {"id": chat_id, "is_bot": False, "first_name": "An", "language_code": "vi"},
        "chat": {"id": chat_id, "first_name": "An", "type": "private"},
        "date": 1790000000,
        **message,
    }
    if text:
        body["text"] = text
    return {"update_id": update_id, "message": body}


def zalo_event(
    msg_id: str, text: str = "", *, user_id: str = "2468013579", event_name: str = "user_send_text", **message
) -> dict:
    """A Zalo OA webhook event for a user's message."""
    body = {"msg_id": msg_id, **message}
    if text:
        body["text"] = text
    return {
        "app_id": ZALO["app_id"],
        "user_id_by_app": "55" + user_id,
        "event_name": event_name,
        "timestamp": str(int(time.time() * 1000)),  # events outside CITYDESK_ZALO_EVENT_MAX_AGE_SECONDS are refused
        "sender": {"id": user_id},
        "recipient": {"id": "1122334455"},
        "message": body,
    }
