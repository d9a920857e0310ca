"""Telegram Bot API: reading webhook updates and calling sendMessage / getFile (base URL configurable)."""

import re
from dataclasses import dataclass, field

import requests
from django.conf import settings

from .delivery import DeliveryError, TooLarge, download

MAX_TEXT = 4096  # Telegram's limit for one message
_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")


class ParseError(ValueError):
    """The update is not valid Bot API JSON."""


class TelegramError(DeliveryError):
    def __init__(self, description: str, error_code: int | None = None, retry_after: int | None = None):
        super().__init__(description)
        self.error_code, self.retry_after = error_code, retry_after


@dataclass(frozen=True)
class Incoming:
    """One message to the bot, platform-neutral. Nothing about the sender but the chat to reply to."""

    platform: str
    external_id: str
    chat_id: str
    message_id: str = ""
    text: str = ""
    url: str = ""
    image_ref: str = ""  # Telegram file_id / Zalo image URL
    image_size: int | None = None
    command: str = ""
    argument: str = ""
    language: str = "vi"
    unsupported: bool = False  # a sticker, voice note, …: answered politely, not stored
    extra: dict = field(default_factory=dict)


def _utf16_slice(text: str, offset: int, length: int) -> str:
    # Bot API entity offsets count UTF-16 code units (emoji take two).
    encoded = text.encode("utf-16-le")
    return encoded[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="ignore")


def _first_url(text: str, entities) -> str:
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict):
            continue
        if entity.get("type") == "text_link" and isinstance(entity.get("url"), str):
            return entity["url"][:1000]
        if entity.get("type") == "url":
            offset, length = entity.get("offset"), entity.get("length")
            if isinstance(offset, int) and isinstance(length, int) and offset >= 0 and length > 0:
                found = _utf16_slice(text, offset, length)
                if found:
                    return found[:1000]
    match = _URL.search(text)
    return match.group(0)[:1000] if match else ""


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def parse_update(data) -> Incoming | None:
    """The message of a webhook update, or None for updates the tipline does not handle (edits,
    channel posts, group chats, membership changes …). ParseError if it is not an Update at all."""
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int) or isinstance(data["update_id"], bool):
        raise ParseError("not a Telegram update")
    message = data.get("message")
    if message is None:
        return None
    if not isinstance(message, dict):
        raise ParseError("message is not an object")
    chat = message.get("chat")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
        raise ParseError("message without chat")
    if chat.get("type") != "private":
        return None  # the tipline answers people who write to it; it does not read groups
    text = _str(message.get("text")) or _str(message.get("caption"))
    entities = message.get("entities") if message.get("text") else message.get("caption_entities")
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    language = "en" if _str(sender.get("language_code")).startswith("en") else "vi"
    base = {
        "platform": "telegram",
        "external_id": str(data["update_id"]),
        "chat_id": str(chat["id"]),
        "message_id": str(message["message_id"]) if _int(message.get("message_id")) else "",
        "language": language,
    }
    if text.startswith("/"):
        command, _sep, argument = text.partition(" ")
        return Incoming(**base, command=command[1:].split("@")[0].lower()[:32], argument=argument.strip()[:500])
    image_ref, image_size = "", None
    photos = message.get("photo")
    if isinstance(photos, list) and photos:
        sizes = [p for p in photos if isinstance(p, dict) and isinstance(p.get("file_id"), str)]
        if sizes:
            largest = max(sizes, key=lambda p: (p.get("file_size") or 0, p.get("width") or 0))
            image_ref, image_size = largest["file_id"], largest.get("file_size")
    document = message.get("document")
    if not image_ref and isinstance(document, dict) and _str(document.get("mime_type")).startswith("image/"):
        image_ref, image_size = _str(document.get("file_id")), document.get("file_size")
    if not isinstance(image_size, int):
        image_size = None
    if not (text.strip() or image_ref):
        return Incoming(**base, unsupported=True)
    # A forwarded message keeps its text; who first posted it (forward_origin) is never read.
    url = _first_url(text, entities)
    return Incoming(**base, text=text.strip()[:5000], url=url, image_ref=image_ref, image_size=image_size)


class TelegramBot:
    def __init__(self, token: str, api_url: str, timeout: float = 10):
        self.token, self.api_url, self.timeout = token, api_url.rstrip("/"), timeout

    def call(self, method: str, payload: dict) -> dict:
        try:
            response = requests.post(f"{self.api_url}/bot{self.token}/{method}", json=payload, timeout=self.timeout)
        except requests.RequestException as error:
            raise TelegramError(f"Telegram unreachable ({type(error).__name__})") from None
        try:
            body = response.json()
        except ValueError:
            raise TelegramError(f"HTTP {response.status_code} without JSON", response.status_code) from None
        if not isinstance(body, dict) or not body.get("ok"):
            body = body if isinstance(body, dict) else {}
            parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
            raise TelegramError(
                str(body.get("description") or f"HTTP {response.status_code}"),
                body.get("error_code") or response.status_code,
                parameters.get("retry_after"),
            )
        return body.get("result")

    def send_message(self, chat_id, text: str, *, reply_to: str = "") -> dict:
        payload = {"chat_id": chat_id, "text": text[:MAX_TEXT]}
        if reply_to:
            payload["reply_parameters"] = {"message_id": int(reply_to), "allow_sending_without_reply": True}
        return self.call("sendMessage", payload)

    def download_file(self, file_id: str, *, max_bytes: int) -> bytes:
        """getFile, then the file from /file/bot<token>/<file_path>."""
        info = self.call("getFile", {"file_id": file_id})
        if not isinstance(info, dict) or not isinstance(info.get("file_path"), str):
            raise TelegramError("getFile returned no file_path")
        if isinstance(info.get("file_size"), int) and info["file_size"] > max_bytes:
            raise TooLarge("too large")
        return download(f"{self.api_url}/file/bot{self.token}/{info['file_path']}", max_bytes=max_bytes)


def bot() -> TelegramBot:
    if not settings.CITYDESK_TELEGRAM_BOT_TOKEN:
        raise DeliveryError("Telegram is not configured")
    return TelegramBot(settings.CITYDESK_TELEGRAM_BOT_TOKEN, settings.CITYDESK_TELEGRAM_API_URL)
