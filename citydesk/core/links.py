"""Links that people typed or platforms sent: only absolute http(s) addresses become links.

A `javascript:` or `data:` address stored as a link runs in the admin's origin when someone clicks it,
so addresses are checked when they come in (is_http_url in forms and services) and again when they are
shown (the `safe_http_url` filter and `http_link` tag in `link_tags`), which covers rows stored before.
"""

from urllib.parse import urlsplit


def is_http_url(value) -> bool:
    """True for an absolute http:// or https:// address with a host, and nothing a browser would
    read differently (no spaces or control characters, which browsers drop or strip)."""
    if not isinstance(value, str) or any(ord(char) <= 0x20 or ord(char) == 0x7F for char in value):
        return False
    if not value.lower().startswith(("http://", "https://")):
        return False
    try:
        return bool(urlsplit(value).hostname)
    except ValueError:  # an unparsable address, e.g. an unclosed "[" IPv6 host
        return False


def http_url_or_empty(value) -> str:
    """The address itself (without surrounding spaces) when it is http(s), else "": what intake stores."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    return value if is_http_url(value) else ""
