"""Sending an answer back where the tip came from: Telegram, Zalo or e-mail, by the report's reply handle.

A reply handle is "<platform>:<address>" (telegram:<chat id>, zalo:<user id>, email:<address>).
"""

import smtplib

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _


class DeliveryError(Exception):
    """The platform refused or could not be reached. The message never contains a token."""


class Undeliverable(DeliveryError):
    """The reply handle names no platform we can send to: retrying will not help."""


class TooLarge(DeliveryError):
    """A file over the size limit (known from the platform's metadata or while downloading)."""


def handle(platform: str, address) -> str:
    return f"{platform}:{address}"


def read_capped(response, max_bytes: int) -> bytes:
    """A streamed response's body, TooLarge past max_bytes (counted while reading, not taken from headers)."""
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge("too large")
        chunks.append(chunk)
    return b"".join(chunks)


def download(url: str, *, max_bytes: int, timeout: float = 15) -> bytes:
    """The body at url, refused if larger than max_bytes."""
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise DeliveryError(f"HTTP {response.status_code}")
            return read_capped(response, max_bytes)
    except requests.RequestException as error:
        raise DeliveryError(type(error).__name__) from None


def download_sent_address(url: str, *, max_bytes: int) -> bytes:
    """The body at an address that came in a message (a Zalo image): through the SSRF guard, public
    addresses only, one deadline for the whole download."""
    from citydesk.core import fetch

    try:
        return fetch.fetch(url, max_bytes=max_bytes, deadline_seconds=settings.CITYDESK_TIP_IMAGE_DEADLINE_SECONDS).body
    except fetch.FetchError as error:
        if error.category == fetch.FetchError.TOO_LARGE:
            raise TooLarge("too large") from None
        raise DeliveryError(str(error)) from None


def send(reply_handle: str, text: str, *, subject: str = "") -> None:
    """Send text to the tipster behind reply_handle; DeliveryError when it did not go out."""
    from . import telegram, zalo

    platform, _sep, address = reply_handle.partition(":")
    if not address:
        raise Undeliverable("reply handle without a platform")
    if platform == "telegram":
        telegram.bot().send_message(address, text)
    elif platform == "zalo":
        zalo.official_account().send_text(address, text)
    elif platform == "email":
        try:
            sent = send_mail(
                subject or _("The answer to what you sent us"), text, settings.DEFAULT_FROM_EMAIL, [address]
            )
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"mail not sent ({type(error).__name__})") from None
        if not sent:
            raise DeliveryError("mail not sent")
    else:
        raise Undeliverable(f"unknown platform {platform!r}")
