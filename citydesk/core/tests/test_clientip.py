"""core.clientip: the client's address behind N trusted proxies, never the leftmost entry a client wrote."""

import pytest
from django.test import RequestFactory

from citydesk.core.clientip import client_ip


def address(remote: str, forwarded: str = "") -> str:
    meta = {"REMOTE_ADDR": remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})}
    return client_ip(RequestFactory().get("/", **meta))


def test_without_a_configured_proxy_the_peer_is_the_client(settings):
    settings.CITYDESK_TRUSTED_PROXY = ""
    assert address("203.0.113.7", "1.2.3.4") == "203.0.113.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the client wrote 1.2.3.4 itself
        (1, "not-an-address, 203.0.113.7", "203.0.113.7"),
        (2, "1.2.3.4, 203.0.113.7, 10.0.0.5", "203.0.113.7"),  # a CDN at 10.0.0.5 before the office's proxy
        (2, "203.0.113.7", "10.0.0.1"),  # too short a chain for two proxies: the peer, not a guess
    ],
)
def test_behind_trusted_proxies_the_client_is_counted_from_the_right(settings, count, forwarded, expected):
    settings.CITYDESK_TRUSTED_PROXY = "10.0.0.1"
    settings.CITYDESK_TRUSTED_PROXY_COUNT = count
    assert address("10.0.0.1", forwarded) == expected


def test_a_client_reaching_the_app_directly_cannot_choose_its_address(settings):
    settings.CITYDESK_TRUSTED_PROXY = "10.0.0.1"
    assert address("203.0.113.7", "1.2.3.4") == "203.0.113.7"
