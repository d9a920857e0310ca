"""The SSRF guard, against real servers on 127.0.0.1: refused by default, redirects checked hop by hop,
the connection pinned to the checked address, one deadline for the whole download, a size cap."""

import ipaddress
import socket
import time

import pytest

from citydesk.core import fetch
from citydesk.core.fetch import FetchError, is_public

from .webservers import LocalWebServer


@pytest.fixture
def server():
    web = LocalWebServer()
    yield web
    web.close()


def category(url: str, *, max_bytes: int = 10_000, deadline: float = 5) -> str:
    with pytest.raises(FetchError) as failure:
        fetch.fetch(url, max_bytes=max_bytes, deadline_seconds=deadline)
    return failure.value.category


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.5",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
        "224.0.0.1",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.2.10",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_private_and_special_addresses_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "203.113.131.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_public(address):
    assert is_public(ipaddress.ip_address(address))


def test_loopback_is_refused_by_default_and_the_server_never_hears_of_it(server, settings):
    assert settings.CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS == []
    server.reply("/rss.xml", body=b"<rss/>")
    for url in [
        server.url("/rss.xml"),
        f"http://localhost:{server.port}/rss.xml",
        f"http://2130706433:{server.port}/rss.xml",
        f"http://0x7f.1:{server.port}/rss.xml",
        f"http://[::ffff:127.0.0.1]:{server.port}/rss.xml",
        f"http://0.0.0.0:{server.port}/rss.xml",
        f"http://[::1]:{server.port}/rss.xml",
        "http://169.254.169.254/latest/meta-data/",
    ]:
        assert category(url) == FetchError.BLOCKED, url
    assert server.requests == []


@pytest.mark.parametrize("url", ["ftp://bao.example/rss", "file:///etc/passwd", "gopher://bao.example/", "bao.example"])
def test_only_http_and_https_are_fetched(url):
    assert category(url) == FetchError.BLOCKED


def test_an_open_and_a_closed_port_give_the_same_answer(server):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    assert category(server.url("/")) == category(f"http://127.0.0.1:{closed_port}/") == FetchError.BLOCKED


def test_an_allowed_test_server_is_fetched_with_the_headers_given(server, settings):
    server.allow(settings)
    server.reply("/rss.xml", body=b"<rss>tin</rss>", headers={"ETag": '"v1"'})
    response = fetch.fetch(server.url("/rss.xml"), max_bytes=1000, deadline_seconds=5, headers={"User-Agent": "t"})
    assert (response.status, response.body, response.headers.get("etag")) == (200, b"<rss>tin</rss>", '"v1"')
    assert server.requests[0][1]["User-Agent"] == "t"


def test_a_redirect_to_a_forbidden_address_is_refused(server, settings):
    server.allow(settings)  # only this server's port, as in every test
    inner = LocalWebServer()
    try:
        inner.reply("/secret", body=b"internal")
        server.redirect("/to-inner", inner.url("/secret"))
        server.redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/")
        server.redirect("/to-decimal", f"http://2130706433:{inner.port}/secret")
        server.redirect("/to-ftp", "ftp://bao.example/rss")
        for path in ["/to-inner", "/to-metadata", "/to-decimal", "/to-ftp"]:
            assert category(server.url(path)) == FetchError.BLOCKED, path
        assert inner.requests == []
    finally:
        inner.close()


def test_redirects_are_followed_hop_by_hop_up_to_a_limit(server, settings):
    server.allow(settings)
    server.reply("/rss.xml", body=b"<rss/>")
    server.redirect("/old", "/moved", status=301)
    server.redirect("/moved", server.url("/rss.xml"), status=308)
    assert fetch.fetch(server.url("/old"), max_bytes=100, deadline_seconds=5).url == server.url("/rss.xml")
    server.redirect("/loop", "/loop")
    assert category(server.url("/loop")) == FetchError.REDIRECTS
    assert server.paths().count("/loop") == fetch.MAX_REDIRECTS + 1


def test_the_connection_goes_to_the_address_that_was_checked(server, settings, monkeypatch):
    """DNS answers once per hop and the socket connects to that answer (no second look-up to rebind)."""
    server.allow(settings)
    server.reply("/rss.xml", body=b"<rss/>")
    answers = iter([[(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", server.port))]])

    def resolver(host, port, *args, **kwargs):
        assert host == "feeds.example"
        return next(answers)  # a second look-up would raise StopIteration

    monkeypatch.setattr(fetch.socket, "getaddrinfo", resolver)
    response = fetch.fetch(f"http://feeds.example:{server.port}/rss.xml", max_bytes=100, deadline_seconds=5)
    assert response.body == b"<rss/>"
    assert server.requests[0][1]["Host"] == f"feeds.example:{server.port}"


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    monkeypatch.setattr(
        fetch.socket,
        "getaddrinfo",
        lambda *args, **kwargs: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 80)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 80)),
        ],
    )
    assert category("http://rebind.example/rss") == FetchError.BLOCKED


def test_a_name_that_does_not_resolve_is_not_found(monkeypatch):
    def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetch.socket, "getaddrinfo", no_such_name)
    assert category("http://nowhere.example/rss") == FetchError.NOT_FOUND


def test_the_size_cap_holds_with_and_without_a_content_length(server, settings):
    server.allow(settings)
    server.reply("/big", body=b"x" * 5000)
    server.reply("/big-chunked", body=b"x" * 5000, chunked=True)
    server.reply("/small-chunked", body=b"y" * 3000, chunked=True)
    assert category(server.url("/big"), max_bytes=4000) == FetchError.TOO_LARGE
    assert category(server.url("/big-chunked"), max_bytes=4000) == FetchError.TOO_LARGE
    assert fetch.fetch(server.url("/small-chunked"), max_bytes=4000, deadline_seconds=5).body == b"y" * 3000


def test_http_errors_are_a_category_with_their_status(server, settings):
    server.allow(settings)
    server.reply("/gone", status=410, body=b"gone")
    with pytest.raises(FetchError) as failure:
        fetch.fetch(server.url("/gone"), max_bytes=100, deadline_seconds=5)
    assert (failure.value.category, failure.value.status) == (FetchError.HTTP, 410)


@pytest.mark.parametrize("trickle", ["trickle_body", "trickle_headers"])
def test_a_server_sending_a_byte_a_second_is_cut_at_the_deadline(server, settings, trickle):
    server.allow(settings)
    server.reply("/slow", body=b"<rss>" + b" " * 100 + b"</rss>", **{trickle: 1.0})
    started = time.monotonic()
    assert category(server.url("/slow"), deadline=2) == FetchError.TIMEOUT
    assert 1.9 < time.monotonic() - started < 3.5  # the whole download, not each read


def test_failures_are_described_by_category_in_vietnamese():
    assert FetchError(FetchError.BLOCKED).describe().startswith("Địa chỉ bị chặn")
    assert FetchError(FetchError.HTTP, 404).describe() == "Lỗi HTTP 404"
