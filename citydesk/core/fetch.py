"""The one way citydesk downloads an address that someone typed or sent (monitored feeds, tip images).

Guards against server-side request forgery and slow servers:
- only http and https, parsed as a browser parses them (`core.weburl`);
- the host is resolved once, every address it resolves to must be public (no private, loopback,
  link-local, multicast, reserved or unspecified address, IPv4-mapped and 6to4/NAT64 forms included),
  and the connection goes to the address that was checked (no second DNS look-up to rebind);
- redirects are followed here, hop by hop, each hop checked again, at most MAX_REDIRECTS;
- one deadline for the whole download (DNS, connect, headers and body), not a timeout per read, and
  a size cap counted while reading;
- failures are a category (`FetchError.category`), never the socket's message: what is stored or
  shown cannot tell an open port from a closed one.

Tests fetch from servers on 127.0.0.1: `CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS` lists the ports of
127.0.0.1 they may reach. It is empty unless a test sets it, so by default loopback is refused.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import Message

import certifi
from django.conf import settings
from django.utils.translation import gettext as _

from . import weburl

MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A download that did not happen, by category; the category is all that is kept or shown."""

    BLOCKED = "blocked"
    NOT_FOUND = "not_found"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    HTTP = "http"
    REDIRECTS = "redirects"
    BAD_RESPONSE = "bad_response"

    def __init__(self, category: str, status: int | None = None):
        super().__init__(category if status is None else f"{category} {status}")
        self.category, self.status = category, status

    def describe(self) -> str:
        """The category in the reader's language, e.g. for a feed's "last error"."""
        if self.category == self.HTTP:
            return _("HTTP error %(status)s") % {"status": self.status}
        return {
            self.BLOCKED: _("Blocked address (only public http and https addresses are fetched)"),
            self.NOT_FOUND: _("Address not found"),
            self.UNREACHABLE: _("Could not connect"),
            self.TIMEOUT: _("Timed out"),
            self.TOO_LARGE: _("Too large"),
            self.REDIRECTS: _("Too many redirects"),
            self.BAD_RESPONSE: _("Invalid response"),
        }[self.category]


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 2xx, or 304 (not modified)
    headers: Message  # case-insensitive .get()
    body: bytes
    truncated: bool = False  # fetch(cut=True): the body stops at max_bytes


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for an address on the public internet; False for anything private, local or special."""
    if address.version == 6:
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
        if address.teredo:
            return False
    special = (
        address.is_private,
        address.is_loopback,
        address.is_link_local,
        address.is_multicast,
        address.is_reserved,
        address.is_unspecified,
        getattr(address, "is_site_local", False),
    )
    return address.is_global and not any(special)


def _allowed(address: str, port: int) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if is_public(ip):
        return True
    return str(ip) == "127.0.0.1" and port in settings.CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS


def _resolve(host: str, port: int, deadline: float) -> list[tuple]:
    """getaddrinfo under the deadline (it has no timeout of its own): the look-up runs in a thread."""
    found: list = []

    def look_up():
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP))
        except (OSError, UnicodeError) as error:
            found.append(error)

    worker = threading.Thread(target=look_up, daemon=True)
    worker.start()
    worker.join(max(deadline - time.monotonic(), 0))
    if not found:
        raise FetchError(FetchError.TIMEOUT)
    if isinstance(found[0], Exception) or not found[0]:
        raise FetchError(FetchError.NOT_FOUND)
    return found[0]


def check_url(text: str, *, resolve: bool = True, deadline: float | None = None) -> weburl.WebURL:
    """The parsed address if it may be fetched: http(s), and (with resolve) every address its host
    resolves to is public. FetchError(BLOCKED / NOT_FOUND / TIMEOUT) otherwise."""
    url = weburl.parse(text or "")
    if url is None or not url.is_web:
        raise FetchError(FetchError.BLOCKED)
    if url.is_ip and not _allowed(url.host, url.effective_port):
        raise FetchError(FetchError.BLOCKED)
    if url.host == "localhost" or url.host.endswith(".localhost"):
        raise FetchError(FetchError.BLOCKED)
    if resolve:
        _checked_addresses(url, deadline if deadline is not None else time.monotonic() + 10)
    return url


def _checked_addresses(url: weburl.WebURL, deadline: float) -> list[tuple]:
    infos = _resolve(url.host, url.effective_port, deadline)
    if not all(_allowed(info[4][0], url.effective_port) for info in infos):
        raise FetchError(FetchError.BLOCKED)  # one bad address is enough: DNS may hand out any of them
    return infos


def _connect(url: weburl.WebURL, infos: list[tuple], deadline: float) -> socket.socket:
    """A connection to one of the checked addresses (the pinned ones), TLS-verified for the host name."""
    for family, kind, proto, _name, address in infos:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(FetchError.TIMEOUT)
        sock = socket.socket(family, kind, proto)
        sock.settimeout(remaining)
        try:
            sock.connect(address)
        except TimeoutError:
            sock.close()
            raise FetchError(FetchError.TIMEOUT) from None
        except OSError:
            sock.close()
            continue
        if url.scheme == "https":
            context = ssl.create_default_context(cafile=certifi.where())
            try:
                sock = context.wrap_socket(sock, server_hostname=url.host)
            except (OSError, ValueError):
                sock.close()
                late = time.monotonic() >= deadline
                raise FetchError(FetchError.TIMEOUT if late else FetchError.UNREACHABLE) from None
        return sock
    raise FetchError(FetchError.UNREACHABLE)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing to stop
        sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def _guarded_connection(url: weburl.WebURL, deadline: float):
    """An HTTP connection to the checked address of url, shut at the deadline; connection errors become
    FetchError categories. Serves fetch (GET) and post (outgoing webhooks)."""
    sock = _connect(url, _checked_addresses(url, deadline), deadline)
    # The deadline covers a server that trickles its headers or body a byte at a time: at the
    # deadline the socket is shut and whatever read was waiting returns.
    watchdog = threading.Timer(max(deadline - time.monotonic(), 0), _shut, [sock])
    watchdog.daemon = True
    watchdog.start()
    connection = http.client.HTTPConnection(url.host, url.effective_port)
    connection.sock = sock
    try:
        yield connection, sock
    except (OSError, http.client.HTTPException, ValueError):
        if time.monotonic() >= deadline - 0.01:
            raise FetchError(FetchError.TIMEOUT) from None
        raise FetchError(FetchError.BAD_RESPONSE) from None
    finally:
        watchdog.cancel()
        connection.close()


def _one_request(
    url: weburl.WebURL, headers: dict, max_bytes: int, deadline: float, read_body: bool = True, cut: bool = False
):
    """(status, headers, body or None for a redirect, truncated) of one GET to a checked address
    (read_body=False: the body is left unread, b""; cut: a body over max_bytes is cut there, not refused)."""
    with _guarded_connection(url, deadline) as (connection, sock):
        connection.putrequest("GET", url.target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", url.netloc)
        connection.putheader("Accept-Encoding", "identity")  # no compression: the cap is the real size
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        if response.status in REDIRECTS or not (200 <= response.status < 300):
            return response.status, response.headers, None, False
        if not read_body:
            return response.status, response.headers, b"", False
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes and not cut:
            raise FetchError(FetchError.TOO_LARGE)
        chunks, size = [], 0
        while True:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            chunk = response.read1(64 * 1024)
            if time.monotonic() >= deadline:
                raise FetchError(FetchError.TIMEOUT)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                if not cut:
                    raise FetchError(FetchError.TOO_LARGE)
                chunks.append(chunk[: len(chunk) - (size - max_bytes)])
                return response.status, response.headers, b"".join(chunks), True
            chunks.append(chunk)
        return response.status, response.headers, b"".join(chunks), False


def fetch(
    text: str,
    *,
    max_bytes: int,
    deadline_seconds: float,
    headers: dict | None = None,
    max_redirects: int = MAX_REDIRECTS,
    cut: bool = False,
) -> Fetched:
    """GET an address someone typed, within the guards above. Returns a 2xx or 304 response;
    FetchError for everything else. cut: a body over max_bytes is kept up to max_bytes (truncated)
    instead of refused."""
    deadline = time.monotonic() + deadline_seconds
    url = check_url(text, resolve=False)
    for _hop in range(max_redirects + 1):
        status, response_headers, body, truncated = _one_request(url, headers or {}, max_bytes, deadline, cut=cut)
        if status in REDIRECTS:
            location = response_headers.get("Location", "")
            following = weburl.parse(location, base=url.geturl()) if location else None
            if following is None:
                raise FetchError(FetchError.BAD_RESPONSE)
            url = check_url(following.geturl(), resolve=False)  # resolved and checked by the next hop
            continue
        if status == 304 or body is not None:
            return Fetched(
                url=url.geturl(), status=status, headers=response_headers, body=body or b"", truncated=truncated
            )
        raise FetchError(FetchError.HTTP, status)
    raise FetchError(FetchError.REDIRECTS)


def final_url(
    text: str, *, deadline_seconds: float, max_redirects: int = MAX_REDIRECTS, follow=lambda address: True
) -> str:
    """Where an address leads (a shortened link's target): its redirects followed, each hop checked as
    fetch checks them, the final page's body never read. A redirect to an address that follow(address)
    refuses is returned without being requested. FetchError when it leads nowhere public."""
    deadline = time.monotonic() + deadline_seconds
    url = check_url(text, resolve=False)
    for _hop in range(max_redirects + 1):
        status, response_headers, body, _truncated = _one_request(url, {}, 0, deadline, read_body=False)
        if status in REDIRECTS:
            location = response_headers.get("Location", "")
            following = weburl.parse(location, base=url.geturl()) if location else None
            if following is None:
                raise FetchError(FetchError.BAD_RESPONSE)
            url = check_url(following.geturl(), resolve=False)
            if not follow(url.geturl()):
                return url.geturl()
            continue
        if body is not None:
            return url.geturl()
        raise FetchError(FetchError.HTTP, status)
    raise FetchError(FetchError.REDIRECTS)


@dataclass(frozen=True)
class Posted:
    status: int
    body: bytes  # the start of the answer, for logs


def post(text: str, *, body: bytes, headers: dict, deadline_seconds: float, max_bytes: int = 64 * 1024) -> Posted:
    """POST body to an address someone typed (outgoing webhooks), within the same guards as fetch:
    http(s), every resolved address public, the connection pinned to the checked address, one deadline.
    Redirects are not followed (a 3xx is the answer). FetchError when no answer came."""
    deadline = time.monotonic() + deadline_seconds
    url = check_url(text, resolve=False)
    with _guarded_connection(url, deadline) as (connection, _sock):
        connection.putrequest("POST", url.target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", url.netloc)
        connection.putheader("Content-Length", str(len(body)))
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return Posted(status=response.status, body=response.read(max_bytes))
