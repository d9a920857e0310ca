"""Zalo Official Account: webhook events in, consultation messages out, access token refreshed on expiry.

Signature of a webhook: header X-ZEvent-Signature = "mac=" + sha256(app_id + raw body + timestamp +
OA secret key). Zalo answers HTTP 200 with a non-zero "error" field when a call fails; error -216
means the access token expired.
"""

import hashlib
import hmac
import re
import time
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from citydesk.core.secrets import SecretUnreadable
from citydesk.core.weburl import host_of

from .delivery import DeliveryError
from .telegram import Incoming, ParseError, _first_url, link_or_empty, storable

MAX_TEXT = 2000
TOKEN_EXPIRED = -216
MESSAGE_EVENTS = {"user_send_text", "user_send_image", "user_send_link"}
UNSUPPORTED_EVENTS = {"user_send_sticker", "user_send_audio", "user_send_video", "user_send_file", "user_send_gif"}


class ZaloError(DeliveryError):
    def __init__(self, message: str, error: int | None = None):
        super().__init__(message)
        self.error = error


# The signed app_id and timestamp are fields of the body. They are found in the raw bytes, not by
# parsing it: nothing reads an unauthenticated body as JSON (a body nested 1,000 deep crashed the
# parser before the signature was checked). A user's text cannot fake them: its quotes are escaped.
_SIGNED_FIELD = {
    name: re.compile(rb'"' + name.encode() + rb'"\s*:\s*"?([0-9A-Za-z_-]{1,64})"?') for name in ("app_id", "timestamp")
}
_MAX_CANDIDATES = 4


def _candidates(raw_body: bytes, name: str) -> list[bytes]:
    found = [match.group(1) for match in _SIGNED_FIELD[name].finditer(raw_body)]
    return list(dict.fromkeys(found))[:_MAX_CANDIDATES]


def signed_timestamp(raw_body: bytes, header: str) -> int | None:
    """The event's timestamp (ms) when X-ZEvent-Signature matches the raw body, else None."""
    secret = settings.CITYDESK_ZALO_OA_SECRET_KEY
    if not secret or not header or not isinstance(raw_body, bytes):
        return None
    given = header.strip().encode("utf-8", errors="replace")
    for app_id in _candidates(raw_body, "app_id"):
        for timestamp in _candidates(raw_body, "timestamp"):
            digest = hashlib.sha256(app_id + raw_body + timestamp + secret.encode()).hexdigest()
            if hmac.compare_digest(("mac=" + digest).encode(), given) and timestamp.isdigit():
                return int(timestamp)
    return None


def signature_ok(raw_body: bytes, header: str) -> bool:
    """Check X-ZEvent-Signature against the body, in constant time."""
    return signed_timestamp(raw_body, header) is not None


def is_fresh(timestamp_ms: int, *, now: float | None = None) -> bool:
    """Whether a signed event is recent enough to take (a replay of an old one is refused)."""
    now = time.time() if now is None else now
    return abs(now - timestamp_ms / 1000) <= settings.CITYDESK_ZALO_EVENT_MAX_AGE_SECONDS


def sign(raw_body: bytes, secret: str) -> str:
    """The signature Zalo would send for raw_body (used by tests and the benchmark's fake platform)."""
    app_id, timestamp = _candidates(raw_body, "app_id")[0], _candidates(raw_body, "timestamp")[0]
    return "mac=" + hashlib.sha256(app_id + raw_body + timestamp + secret.encode()).hexdigest()


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def parse_event(data) -> Incoming | None:
    """The user message of a webhook event, or None for events the tipline does not handle."""
    if not isinstance(data, dict) or not isinstance(data.get("event_name"), str):
        raise ParseError("not a Zalo OA event")
    event = data["event_name"]
    if event not in MESSAGE_EVENTS | UNSUPPORTED_EVENTS:
        return None  # follow, user_seen_message, oa_send_* …
    sender, message = _dict(data.get("sender")), _dict(data.get("message"))
    user_id, msg_id = sender.get("id"), message.get("msg_id")
    if not isinstance(user_id, (str, int)) or not isinstance(msg_id, (str, int)) or str(user_id) == "":
        raise ParseError("message without sender or msg_id")
    base = {"platform": "zalo", "external_id": storable(str(msg_id))[:100], "chat_id": storable(str(user_id))[:100]}
    if event in UNSUPPORTED_EVENTS:
        return Incoming(**base, unsupported=True)
    text = storable(message.get("text")) if isinstance(message.get("text"), str) else ""
    if text.startswith("#") and len(text) > 1:  # Zalo users type commands with "#", Telegram ones with "/"
        command, _sep, argument = text[1:].partition(" ")
        return Incoming(**base, command=command.lower()[:32], argument=argument.strip()[:500])
    url, image_ref = "", ""
    attachments = message.get("attachments") if isinstance(message.get("attachments"), list) else []
    for attachment in attachments:
        attachment = _dict(attachment)
        payload = _dict(attachment.get("payload"))
        link = payload.get("url") if isinstance(payload.get("url"), str) else ""
        if attachment.get("type") == "image" and link and not image_ref:
            image_ref = link[:1000]
        elif attachment.get("type") == "link" and link and not url:
            url = link_or_empty(link)
            text = text or (storable(payload.get("title")) if isinstance(payload.get("title"), str) else "")
    url = url or _first_url(text, None)
    if not (text.strip() or url or image_ref):
        return Incoming(**base, unsupported=True)
    return Incoming(**base, text=text.strip()[:5000], url=url, image_ref=image_ref)


def media_host_allowed(url: str) -> bool:
    """Only download images from Zalo's media hosts (the webhook is signed, but never fetch anywhere)."""
    host = host_of(url)  # as a browser reads it: "http://127.0.0.1\\@zalo.me/" is 127.0.0.1
    return any(host == allowed or host.endswith("." + allowed) for allowed in settings.CITYDESK_ZALO_MEDIA_HOSTS)


class OfficialAccountClient:
    def __init__(self, api_url: str, timeout: float = 10):
        self.api_url, self.timeout = api_url.rstrip("/"), timeout

    @staticmethod
    def _channel_account():
        """The OA as configured for publishing (channels), if it is: one OA, one pair of tokens.
        A refresh token works once, so the tipline and the outbox must not keep two pairs."""
        from citydesk.channels.models import ChannelAccount

        return ChannelAccount.objects.filter(kind="zalo", is_active=True).order_by("pk").first()

    def _tokens(self):
        from .models import PlatformToken

        try:
            account = self._channel_account()
            if account is not None and account.token:
                return account.token, account.refresh_token
            stored = PlatformToken.objects.filter(platform="zalo").first()
            if stored and stored.access_token:
                return stored.access_token, stored.refresh_token
        except SecretUnreadable as error:  # never fall back silently: say whose token to enter again
            raise ZaloError(str(error)) from None
        return settings.CITYDESK_ZALO_ACCESS_TOKEN, settings.CITYDESK_ZALO_REFRESH_TOKEN

    def _post_message(self, user_id: str, text: str, access_token: str) -> dict:
        try:
            response = requests.post(
                f"{self.api_url}/v3.0/oa/message/cs",
                headers={"access_token": access_token},
                json={"recipient": {"user_id": user_id}, "message": {"text": text[:MAX_TEXT]}},
                timeout=self.timeout,
            )
            body = response.json()
        except requests.RequestException as error:
            raise ZaloError(f"Zalo unreachable ({type(error).__name__})") from None
        except ValueError:
            raise ZaloError(f"HTTP {response.status_code} without JSON") from None
        return body if isinstance(body, dict) else {"error": -1, "message": "unexpected body"}

    def send_text(self, user_id: str, text: str) -> str:
        """Send a consultation message; returns Zalo's message_id. Refreshes the token once if expired."""
        access_token, _refresh = self._tokens()
        if not access_token:
            raise ZaloError("Zalo is not configured")
        body = self._post_message(user_id, text, access_token)
        if body.get("error") == TOKEN_EXPIRED:
            body = self._post_message(user_id, text, self.refresh(expired=access_token))
        if body.get("error") != 0:  # HTTP 200 with an error code is a failure
            raise ZaloError(str(body.get("message") or "Zalo error"), body.get("error"))
        return str(_dict(body.get("data")).get("message_id", ""))

    @transaction.atomic
    def refresh(self, *, expired: str = "") -> str:
        """Exchange the refresh token for a new pair (each refresh token works once) and keep both,
        encrypted: on the Zalo channel account when there is one, else in PlatformToken."""
        from citydesk.channels.connectors import Outcome, exchange_zalo_refresh_token, refresh_zalo

        from .models import PlatformToken

        try:
            account = self._channel_account()
            if account is not None and account.token:
                return refresh_zalo(account, expired=expired)
            stored, _created = PlatformToken.objects.select_for_update().get_or_create(platform="zalo")
            refresh_token = stored.refresh_token or settings.CITYDESK_ZALO_REFRESH_TOKEN
            if not (refresh_token and settings.CITYDESK_ZALO_APP_ID and settings.CITYDESK_ZALO_APP_SECRET):
                raise ZaloError("Zalo token expired and cannot be refreshed (no refresh token or app secret)")
            access_token, refresh_token, expires_in = exchange_zalo_refresh_token(
                refresh_token=refresh_token,
                app_id=settings.CITYDESK_ZALO_APP_ID,
                app_secret=settings.CITYDESK_ZALO_APP_SECRET,
            )
        except (Outcome, SecretUnreadable) as error:
            raise ZaloError(str(error)) from None
        stored.set_tokens(access_token, refresh_token)
        stored.expires_at = timezone.now() + timedelta(seconds=expires_in) if expires_in else None
        stored.save()
        return access_token


def official_account() -> OfficialAccountClient:
    return OfficialAccountClient(settings.CITYDESK_ZALO_API_URL)
