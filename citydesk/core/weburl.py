"""Web addresses read the way a browser reads them (the WHATWG URL Standard), through ada-url.

Python's urllib.parse follows RFC 3986, and a browser does not: for http(s) a browser treats "\\" as
"/", so in `https://evil.com\\@danang.gov.vn/` the host is evil.com (urllib says danang.gov.vn);
it reads `http://2130706433/` and `http://0x7f.1/` as 127.0.0.1; it decodes `%6c%6fcalhost`. Every
decision about where an address leads ("is this official?", "may we fetch this?", "is this Zalo's
media host?") is taken on the host this module returns, so it is the host a browser would visit.
"""

from dataclasses import dataclass

import ada_url

WEB_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class WebURL:
    """An address after WHATWG parsing. The user name and password are dropped (browsers ignore them
    for where to go, and phishing links use them to look official); the fragment is not kept."""

    scheme: str  # "http", "https", "ftp", "javascript" …, lower case, without ":"
    host: str  # lower case, IDNA (xn--…), IPv4 dotted, IPv6 without brackets, no trailing dot; "" if none
    port: int | None  # the port written in the address, None for the scheme's default
    path: str
    query: str  # without the "?"
    is_ip: bool  # the host is an IPv4 or IPv6 address, not a name

    @property
    def is_web(self) -> bool:
        return self.scheme in WEB_SCHEMES and bool(self.host)

    @property
    def effective_port(self) -> int | None:
        return self.port if self.port is not None else DEFAULT_PORTS.get(self.scheme)

    @property
    def target(self) -> str:
        """Path and query, as sent in an HTTP request line."""
        return (self.path or "/") + (f"?{self.query}" if self.query else "")

    @property
    def netloc(self) -> str:
        """Host and port as written in a Host header (IPv6 in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port is not None else host

    def geturl(self) -> str:
        """The address without user name, password or fragment."""
        return f"{self.scheme}://{self.netloc}{self.target}" if self.host else f"{self.scheme}:{self.target}"


def parse(text: str, *, base: str | None = None) -> WebURL | None:
    """The address as a browser parses it (relative to base, for a redirect's Location), or None
    when it is not a valid URL at all."""
    try:
        url = ada_url.URL(text, base) if base else ada_url.URL(text)
    except (ValueError, TypeError):
        return None
    host = url.hostname.lower()
    is_ip = url.host_type != ada_url.HostType.DEFAULT
    if is_ip and host.startswith("["):
        host = host[1:-1]
    return WebURL(
        scheme=url.protocol.removesuffix(":").lower(),
        host=host.rstrip("."),
        port=int(url.port) if url.port else None,
        path=url.pathname,
        query=url.search.removeprefix("?"),
        is_ip=is_ip,
    )


def parse_typed(text: str) -> WebURL | None:
    """An address as people type it in a message or a search box, with or without "https://":
    "facebook.com/page", "www.danang.gov.vn", "https://…". None when it is no web address."""
    text = (text or "").strip()
    if not text:
        return None
    found = parse(text)
    if found is not None and found.scheme in WEB_SCHEMES:
        return found if found.host else None
    if "://" in text or (found is not None and "." not in found.scheme):
        return None  # another scheme (ftp://, mailto:, javascript:…): not a web page
    found = parse("https://" + text)
    return found if found is not None and found.is_web else None


def host_of(text: str) -> str:
    """The host a browser would visit for this http(s) address, "" when it is not one."""
    found = parse(text or "")
    return found.host if found is not None and found.is_web else ""
