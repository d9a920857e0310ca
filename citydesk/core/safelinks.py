"""Links from outside (tiplines, feeds) are kept and shown as links only when they are http(s).

A `javascript:` or `data:` address in a Telegram text_link or a Zalo link attachment would run in
the admin of whoever clicks it; browsers ignore leading spaces and control characters and the case
of the scheme, so the test is made on the address as a browser would read it.
"""

import re
from urllib.parse import urlsplit

_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")  # at the ends, and tabs or newlines anywhere
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_http_url(value) -> bool:
    """True for an absolute http:// or https:// address with a host."""
    if not isinstance(value, str) or not value:
        return False
    if _CONTROL.search(value.strip()):
        return False  # not an address anyone typed or pasted
    stripped = _IGNORED_BY_BROWSERS.sub("", value)
    try:
        parts = urlsplit(stripped)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def http_url_or_empty(value) -> str:
    """The address itself when it is http(s), else "" (what the intake stores in Report.url)."""
    return value.strip() if is_http_url(value) else ""
