"""Telegram Bot API: reading webhook updates and calling sendMessage / getFile (base URL configurable)."""

import re
import threading
from dataclasses import dataclass, field

import requests
from django.conf import settings

from citydesk.core.links import http_url_or_empty

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


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def link_or_empty(found: str) -> str:
    """A link worth storing: http(s) as it is, a bare "www.example.vn/…" with https:// in front, anything
    else (javascript:, data:, tg:, …) dropped: it would be a live link in the desk's admin."""
    found = storable(found).strip()[:1000]
    if found and not _SCHEME.match(found) and not found.startswith(("/", "\\")):
        found = "https://" + found
    return http_url_or_empty(found)


def _first_url(text: str, entities) -> str:
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict):
            continue
        found = ""
        if entity.get("type") == "text_link" and isinstance(entity.get("url"), str):
            found = link_or_empty(entity["url"])
        elif entity.get("type") == "url":
            offset, length = entity.get("offset"), entity.get("length")
            if _int(offset) and _int(length) and offset >= 0 and length > 0:
                found = link_or_empty(_utf16_slice(text, offset, length))
        if found:
            return found
    match = _URL.search(text)
    return link_or_empty(match.group(0)) if match else ""


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def storable(value: str) -> str:
    """Text a database takes: JSON may carry NUL and lone UTF-16 surrogates ("\\ud800"), which
    PostgreSQL refuses and no driver can encode."""
    return value.replace("\x00", "").encode("utf-8", errors="replace").decode("utf-8")


def _str(value) -> str:
    return storable(value) if isinstance(value, str) else ""


def _fields_are(item: dict, kind: type, *names: str) -> bool:
    """Each of these fields, when present, has the Bot API's type (an int is never a bool)."""
    for name in names:
        if name in item and not (_int(item[name]) if kind is int else isinstance(item[name], kind)):
            return False
    return True


def _largest_photo(photos) -> tuple[str, int | None]:
    """The file_id and size of the largest PhotoSize; ParseError when the sizes are not PhotoSizes."""
    if photos is None or photos == []:
        return "", None
    if not isinstance(photos, list) or not all(
        isinstance(p, dict)
        and isinstance(p.get("file_id"), str)
        and _fields_are(p, int, "file_size", "width", "height")
        for p in photos
    ):
        raise ParseError("photo sizes of the wrong type")
    largest = max(photos, key=lambda p: (p.get("file_size", 0), p.get("width", 0)))
    return largest["file_id"], largest.get("file_size")


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
    if not isinstance(chat, dict) or not _int(chat.get("id")):
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
    image_ref, image_size = _largest_photo(message.get("photo"))
    document = message.get("document")
    if not image_ref and isinstance(document, dict) and _str(document.get("mime_type")).startswith("image/"):
        if not _fields_are(document, str, "file_id") or not _fields_are(document, int, "file_size"):
            raise ParseError("document fields of the wrong type")
        image_ref, image_size = document.get("file_id", ""), document.get("file_size")
    if not (text.strip() or image_ref):
        return Incoming(**base, unsupported=True)
    # A forwarded message keeps its text; who first posted it (forward_origin) is never read.
    url = _first_url(text, entities)
    return Incoming(**base, text=text.strip()[:5000], url=url, image_ref=image_ref, image_size=image_size)


_sessions = threading.local()


def _session() -> requests.Session:
    """This thread's HTTP session: its connection to the Bot API is kept between calls (a worker sends a
    reply per message; a new session per call cost a connection and its set-up each time)."""
    session = getattr(_sessions, "session", None)
    if session is None:
        session = _sessions.session = requests.Session()
    return session


class TelegramBot:
    def __init__(self, token: str, api_url: str, timeout: float = 10):
        self.token, self.api_url, self.timeout = token, api_url.rstrip("/"), timeout

    def call(self, method: str, payload: dict) -> dict:
        try:
            url = f"{self.api_url}/bot{self.token}/{method}"
            response = _session().post(url, json=payload, timeout=self.timeout)
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
