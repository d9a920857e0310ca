"""What every tipline platform shares: delivery errors, reply handles and capped downloads (sending an
answer back is `replies.send`, above the platforms' modules).

A reply handle is "<platform>:<address>" (telegram:<chat id>, zalo:<user id>, email:<address>).
"""

import requests
from django.conf import settings


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
