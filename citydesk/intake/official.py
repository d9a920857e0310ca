"""The verified accounts directory: one comparable key per address, and "is this official?" look-ups.

A key is what two spellings of the same address share: a Facebook page link with or without
"www."/"m.", a Telegram "@name" or "t.me/name", a phone number in any local format (E.164), a domain
with or without a path. Look-alikes ("danang-gov.vn", "facebook.com/sovte.danang") get other keys.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from django.db import models
from django.utils.translation import gettext_lazy as _

from citydesk.core import weburl
from citydesk.matching.normalize import canonical_phone


class OfficialKind(models.TextChoices):
    WEBSITE = "website", _("Website (domain)")
    FACEBOOK = "facebook", _("Facebook page")
    ZALO = "zalo", _("Zalo Official Account")
    TELEGRAM = "telegram", _("Telegram channel")
    YOUTUBE = "youtube", _("YouTube channel")
    TIKTOK = "tiktok", _("TikTok account")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")


# Hosts of platforms where an account is the first part of the path.
PLATFORM_HOSTS = {
    "facebook.com": OfficialKind.FACEBOOK,
    "fb.com": OfficialKind.FACEBOOK,
    "fb.me": OfficialKind.FACEBOOK,
    "zalo.me": OfficialKind.ZALO,
    "oa.zalo.me": OfficialKind.ZALO,
    "t.me": OfficialKind.TELEGRAM,
    "telegram.me": OfficialKind.TELEGRAM,
    "youtube.com": OfficialKind.YOUTUBE,
    "tiktok.com": OfficialKind.TIKTOK,
}
_HOST_PREFIXES = ("www.", "m.", "mobile.", "web.", "mbasic.")
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# A local part without "/", "\\", "#", "?" or ":": "evil.com#@danang.gov.vn" is a link to evil.com
# (as a browser reads it), not an e-mail address at danang.gov.vn.
_EMAIL = re.compile(r"^[a-z0-9.!$%&'*+=^_`{|}~-]+@([^@\s/\\?#:]+)$", re.IGNORECASE)


def _host(host: str) -> str:
    host = host.lower().strip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
    if host and not host.isascii():
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError:
            return ""  # not a host name at all
    return host


def platform_key(value: str) -> tuple[str, str] | None:
    """(kind, key) of an account link on a platform, e.g. ("facebook", "facebook.com/sytedanang")."""
    value = value.strip()
    if value.startswith("@") and " " not in value:
        return OfficialKind.TELEGRAM, "t.me/" + value[1:].lower()
    parts = weburl.parse_typed(value)  # as a browser reads it: backslashes, user names, fragments
    if parts is None:
        return None
    host = _host(parts.host)
    kind = PLATFORM_HOSTS.get(host)
    if kind is None:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]  # /%73oyte is the page /soyte
    if kind == OfficialKind.FACEBOOK and segments[:1] == ["profile.php"]:
        page_id = parse_qs(parts.query).get("id", [""])[0]
        return (kind, f"facebook.com/{page_id}") if page_id else None
    if kind == OfficialKind.FACEBOOK and segments[:1] == ["people"] and len(segments) >= 3:
        return kind, f"facebook.com/{segments[2]}"
    if kind == OfficialKind.YOUTUBE and segments[:1] in (["channel"], ["c"], ["user"]) and len(segments) >= 2:
        return kind, f"youtube.com/{segments[0]}/{segments[1].lower()}"
    if not segments:
        return None
    family = {"fb.com": "facebook.com", "fb.me": "facebook.com", "telegram.me": "t.me", "oa.zalo.me": "zalo.me"}
    return kind, f"{family.get(host, host)}/{segments[0].lower()}"


def account_key(kind: str, value: str) -> str | None:
    """The comparable key of an address of this kind, or None when it is not one."""
    value = (value or "").strip()
    if not value:
        return None
    if kind == OfficialKind.PHONE:
        return canonical_phone(value)
    if kind == OfficialKind.EMAIL:
        match = _EMAIL.match(value.lower())
        return value.lower() if match and _DOMAIN.match(_host(match.group(1))) else None
    if kind == OfficialKind.WEBSITE:
        parts = weburl.parse_typed(value)
        host = _host(parts.host) if parts else ""
        return host if _DOMAIN.match(host) else None
    found = platform_key(value)
    return found[1] if found and found[0] == kind else None


@dataclass(frozen=True)
class Query:
    """What someone asked about: an address of a kind (with its key), or a name."""

    kind: str | None
    key: str | None
    text: str


def parse_query(text: str) -> Query:
    """Read "is this official?" input: a link, @handle, domain, phone number, e-mail, or else a name."""
    text = (text or "").strip()[:500]
    if not text:
        return Query(None, None, "")
    compact = text.strip("<>()[]\"' ")
    if " " not in compact:
        if _EMAIL.match(compact.lower()):
            key = account_key(OfficialKind.EMAIL, compact)
            if key:
                return Query(OfficialKind.EMAIL, key, text)
        found = platform_key(compact)
        if found:
            return Query(found[0], found[1], text)
        parts = weburl.parse_typed(compact)
        host = _host(parts.host) if parts and not parts.is_ip else ""
        if _DOMAIN.match(host):
            return Query(OfficialKind.WEBSITE, host, text)
    phone = canonical_phone(text)
    if phone:
        return Query(OfficialKind.PHONE, phone, text)
    return Query(None, None, text)


@dataclass(frozen=True)
class Verdict:
    """The answer to a look-up: the official accounts found, and whether the address itself is one."""

    query: Query
    accounts: list
    official: bool
