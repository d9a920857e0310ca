"""The address of the client a request came from: the one place citydesk reads it.

Behind the office's reverse proxy the socket's peer (REMOTE_ADDR) is the proxy. Each proxy appends the
address it received the request from to X-Forwarded-For, so with N trusted proxies the client is the
N-th entry from the right; everything left of it was written by the client and is never trusted. The
header is read only when the peer is the configured proxy (CITYDESK_TRUSTED_PROXY), so a client that
reaches the web process directly cannot choose its address either.

When waitress was started with the same settings (`manage.py serve`, docs/production.md) it has already
put the client in REMOTE_ADDR and the peer is no longer the proxy: the address is then taken as is.
"""

from django.conf import settings
from ipware import get_client_ip

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def _from_trusted_proxy(peer: str) -> bool:
    trusted = settings.CITYDESK_TRUSTED_PROXY
    return bool(trusted) and (trusted == "*" or peer == trusted)


def client_ip(request) -> str:
    """The client's address, counting CITYDESK_TRUSTED_PROXY_COUNT proxies from the right."""
    peer = request.META.get("REMOTE_ADDR", "")
    count = settings.CITYDESK_TRUSTED_PROXY_COUNT
    forwarded = request.META.get(FORWARDED_FOR, "")
    if count < 1 or not forwarded or not _from_trusted_proxy(peer):
        return peer
    # ipware counts proxies in the chain client, proxy 1, …, proxy N (the peer): the client is the
    # (count + 1)-th address from the right; a chain too short or not made of addresses gives None.
    chain = {FORWARDED_FOR: f"{forwarded}, {peer}"}
    request_view = type("Meta", (), {"META": chain})()
    address, _routable = get_client_ip(
        request_view, proxy_order="left-most", proxy_count=count, request_header_order=[FORWARDED_FOR], strict=False
    )
    return address or peer
