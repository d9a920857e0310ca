"""Fuzzing the Telegram and Zalo webhooks over HTTP (Django's test client) with hypothesis.

Bodies follow the platforms' wire formats (Bot API Updates, signed Zalo OA events) with fields of the
wrong type, odd values, hostile links, bombs as photos, and raw bytes and deep nesting beside them.
What must hold for every body: no response >= 500, and nothing half-stored (every stored report has
its platform message id and its claim; a refused body stores nothing).
Sizes are set for CI: 1,000 webhook bodies, about 30 s of CPU (a new tip costs ~0.3 s in the matcher,
so message ids come from a small set: re-deliveries are cheap and the parser still sees every body).
"""

import hashlib
import io
import json
import time

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from citydesk.desk.models import Claim, Report
from citydesk.intake.models import InboundUpdate

from .conftest import TELEGRAM_SECRET, ZALO, ZALO_OA_SECRET
from .fakes import jpeg_with_exif

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
TIP = "Thông báo: từ tháng sau người dân phải nộp phí 500.000 đồng để giữ số điện thoại chính chủ"

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def mostly(right, other, *, out_of: int = 4):
    """right, and other once in out_of draws (one_of would weigh each of other's branches as much as
    right; hypothesis favours the first choice, so right comes first)."""
    return st.sampled_from([True] * (out_of - 1) + [False]).flatmap(lambda ok: right if ok else other)


def either(right):
    """Mostly the right type, sometimes anything else."""
    return mostly(right, junk, out_of=10)


texts = mostly(
    st.sampled_from(
        [
            TIP,
            TIP + " https://tin-gia.example/bai",
            "/start",
            "/help@citydesk_bot",
            "/official facebook.com/soyte",
            "/official https://evil.example#@danang.gov.vn",
            "#official",
            "\x00\ud800 " + TIP,
            "a" * 6000,
            "😀" * 50,
        ]
    ),
    st.text(max_size=120),
    out_of=2,
)
links = st.sampled_from(
    [
        "https://tin-gia.example/a",
        "http://x.vn",
        "javascript:alert(document.cookie)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>x</script>",
        "tg://resolve?domain=x",
        "www.example.vn/a",
        "",
        "http://",
        "https://[::1",
        "\x00http://a.b",
        "http://127.0.0.1:1/x.jpg",
    ]
)


# --- Telegram --------------------------------------------------------------------------------------

entity = st.fixed_dictionaries(
    {
        "type": either(st.sampled_from(["url", "text_link", "bold", "mention", "phone_number"])),
        "offset": either(st.integers(-5, 300)),
        "length": either(st.integers(-5, 300)),
    },
    optional={"url": either(links)},
)
photo_size = st.fixed_dictionaries(
    {
        "file_id": either(st.sampled_from(["ok-photo", "bomb", "fake", "missing"])),
        "file_unique_id": st.text(max_size=4),
        "width": either(st.integers(0, 10_000)),
        "height": either(st.integers(0, 10_000)),
    },
    optional={"file_size": either(st.integers(0, 20 * 1024 * 1024))},
)
document = st.fixed_dictionaries(
    {
        "file_id": either(st.sampled_from(["ok-photo", "bomb", "fake"])),
        "mime_type": either(st.sampled_from(["image/png", "image/jpeg", "application/pdf"])),
    },
    optional={"file_size": either(st.integers(0, 20 * 1024 * 1024))},
)
chat = st.fixed_dictionaries(
    {
        "id": either(st.integers(-(2**52), 2**52)),
        "type": either(st.sampled_from(["private", "private", "group", "channel"])),
    }
)
message = st.fixed_dictionaries(
    {
        "message_id": either(st.integers(1, 2**31)),
        "date": either(st.integers(0, 2**32)),
        "chat": either(chat),
        "text": either(texts),
    },
    optional={
        "caption": either(texts),
        "entities": either(st.lists(entity, max_size=3)),
        "caption_entities": either(st.lists(entity, max_size=3)),
        "photo": either(st.lists(photo_size, max_size=4)),
        "document": either(document),
        "from": either(
            st.fixed_dictionaries(
                {"id": st.integers(1, 2**40), "is_bot": st.booleans()},
                optional={"language_code": either(st.sampled_from(["vi", "en", "fr"]))},
            )
        ),
        "sticker": st.just({"file_id": "st", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1}),
        "forward_origin": st.just({"type": "user", "date": 1, "sender_user": {"id": 42, "first_name": "X"}}),
    },
)
update = mostly(
    # Few distinct ids: a repeated id is a re-delivery (cheap), so the slow path of a new tip (the
    # matcher, ~0.3 s) runs a bounded number of times while the parser sees every body.
    st.fixed_dictionaries({"update_id": either(st.integers(0, 15)), "message": either(message)}),
    st.fixed_dictionaries(
        {"update_id": either(st.integers(0, 2**40))},
        optional={"edited_message": message, "channel_post": message, "my_chat_member": junk},
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
deep = st.integers(1, 60_000).map(lambda n: b"[" * n + b"]" * n) | st.integers(1, 30_000).map(
    lambda n: b'{"update_id": 1, "message": ' + b'{"a": ' * n + b"1" + b"}" * n + b"}"
)
raw_bodies = st.one_of(
    st.binary(max_size=300),
    deep,
    json_values.map(lambda value: json.dumps(value).encode()),
    st.sampled_from([b"", b"null", b"1e999999", b"9" * 5000, b'"\\ud800"', b"\xff\xfe{}", b"[" * 500]),
)


def stored() -> tuple[int, int, int]:
    return Report.objects.count(), Claim.objects.count(), InboundUpdate.objects.count()


def assert_nothing_half_stored(before, response) -> None:
    assert response.status_code < 500, response.content[:300]
    reports, claims, ids = stored()
    # Each stored report came from one platform message, recorded with it in one transaction; every
    # message ran to the end (jobs run inline here) and its content and chat id are gone.
    assert reports == InboundUpdate.objects.filter(report__isnull=False).count()
    assert not InboundUpdate.objects.exclude(state="done").exists()
    assert not InboundUpdate.objects.exclude(payload={}).exists()
    assert not Report.objects.filter(claim__isnull=True).exists()
    if response.status_code >= 400:
        assert (reports, claims, ids) == before


@pytest.fixture
def platform_files(fake_telegram, settings):
    settings.CITYDESK_CHAT_RATE_LIMIT = 10**9  # the fuzzer is one chat sending thousands of messages
    bomb = io.BytesIO()
    Image.new("1", (7000, 7000)).save(bomb, format="PNG")
    fake_telegram.files.update({"ok-photo": jpeg_with_exif(), "bomb": bomb.getvalue(), "fake": b"<svg/>"})
    return fake_telegram


def post_telegram(client, raw: bytes):
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    return client.post("/intake/telegram/", data=raw, content_type="application/json", headers=headers)


@given(body=mostly(update.map(lambda value: json.dumps(value).encode()), raw_bodies))
@hypothesis_settings(FUZZ, max_examples=500)
def test_telegram_webhook_never_fails_and_never_half_stores(client, platform_files, body):
    before = stored()
    assert_nothing_half_stored(before, post_telegram(client, body))


# --- Zalo ------------------------------------------------------------------------------------------


def now_ms() -> str:
    return str(int(time.time() * 1000))


attachment = st.fixed_dictionaries(
    {"type": either(st.sampled_from(["image", "link", "sticker", "file", "gif"]))},
    optional={
        "payload": either(
            st.fixed_dictionaries(
                {},
                optional={
                    "url": either(links | st.just("https://zdn.vn/a.jpg")),
                    "title": either(texts),
                    "thumbnail": either(links),
                },
            )
        )
    },
)
zalo_message = st.fixed_dictionaries(
    {"msg_id": either(st.sampled_from([f"m{n:02x}" for n in range(15)]) | st.integers(0, 15)), "text": either(texts)},
    optional={"attachments": either(st.lists(attachment, max_size=3))},
)
zalo_events = st.fixed_dictionaries(
    {
        "app_id": mostly(st.just(ZALO["app_id"]), st.sampled_from(["999", "", 4301234])),
        "event_name": either(
            st.sampled_from(
                [
                    "user_send_text",
                    "user_send_image",
                    "user_send_link",
                    "user_send_sticker",
                    "user_send_file",
                    "follow",
                    "user_seen_message",
                    "oa_send_text",
                ]
            )
        ),
        "timestamp": mostly(
            st.builds(now_ms),
            st.one_of(
                st.builds(lambda: str(int(time.time() * 1000) - 3_600_000)),  # an hour old: a replay
                st.integers(0, 2**64).map(str),
                junk,
            ),
        ),
        "sender": either(st.fixed_dictionaries({"id": either(st.from_regex(r"\A[0-9]{1,19}\Z") | st.integers())})),
        "recipient": st.just({"id": "1122334455"}),
        "message": either(zalo_message),
    },
    optional={"user_id_by_app": st.text(max_size=20), "follower": junk},
)


def platform_signature(event: dict, raw: bytes, secret: str) -> str:
    """What Zalo sends: mac = sha256(app_id + raw body + timestamp + OA secret key)."""
    app_id, timestamp = event.get("app_id"), event.get("timestamp")
    as_text = [value if isinstance(value, str) else json.dumps(value) for value in (app_id, timestamp)]
    return "mac=" + hashlib.sha256(as_text[0].encode() + raw + as_text[1].encode() + secret.encode()).hexdigest()


@given(
    event=zalo_events,
    signing=st.sampled_from(["right"] * 8 + ["wrong", "none"]),
    raw=mostly(st.none(), raw_bodies),
)
@hypothesis_settings(FUZZ, max_examples=500)
def test_zalo_webhook_never_fails_and_never_half_stores(client, fake_zalo, settings, event, signing, raw):
    settings.CITYDESK_CHAT_RATE_LIMIT = 10**9
    body = raw if raw is not None else json.dumps(event).encode()
    secret = {"right": ZALO_OA_SECRET, "wrong": "not-the-secret"}.get(signing)
    headers = {"X-ZEvent-Signature": platform_signature(event, body, secret)} if secret else {}
    before = stored()
    response = client.post("/intake/zalo/", data=body, content_type="application/json", headers=headers)
    assert_nothing_half_stored(before, response)
    if signing != "right" or raw is not None:
        assert response.status_code == 403  # nothing read without the signature
