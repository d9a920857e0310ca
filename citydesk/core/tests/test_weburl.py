"""Addresses are read as a browser reads them (WHATWG), not as urllib.parse reads them."""

from urllib.parse import urlsplit

import pytest

from citydesk.core.weburl import host_of, parse, parse_typed


@pytest.mark.parametrize(
    "text, host",
    [
        # Phishing links: a browser visits evil.com for each of these.
        ("https://evil.com#@danang.gov.vn", "evil.com"),
        ("https://evil.com\\@danang.gov.vn/", "evil.com"),
        ("https://evil.com\\@facebook.com/soytedanang", "evil.com"),
        ("https://evil.com?@danang.gov.vn", "evil.com"),
        ("https://danang.gov.vn@evil.com/", "evil.com"),
        ("https://danang.gov.vn:pw@evil.com/", "evil.com"),
        ("https:\\\\evil.com\\path", "evil.com"),
        ("https:/\\evil.com", "evil.com"),
        ("http://127.0.0.1:8000\\@zalo.me/media/a.jpg", "127.0.0.1"),
        # Case, trailing dot, percent-encoding and IDNA.
        ("HTTPS://WWW.DaNang.GOV.vn./tin", "www.danang.gov.vn"),
        ("http://%6c%6fcalhost/", "localhost"),
        ("http://đànẵng.gov.vn/", "xn--nng-8ka8v493n.gov.vn"),
        ("http://xn--dnang-cva.gov.vn/", "xn--dnang-cva.gov.vn"),
        # Numbers a browser reads as IPv4 addresses; IPv6 without brackets.
        ("http://2130706433/", "127.0.0.1"),
        ("http://0x7f.1/", "127.0.0.1"),
        ("http://0177.0.0.1/", "127.0.0.1"),
        ("http://0/", "0.0.0.0"),  # noqa: S104 - parsed, never bound
        ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"),
        ("http://[::1]:8080/", "::1"),
    ],
)
def test_the_host_is_the_one_a_browser_would_visit(text, host):
    assert host_of(text) == host


def test_urllib_would_have_been_fooled_by_the_same_links():
    # Why citydesk does not use urllib.parse for these decisions.
    assert urlsplit("https://evil.com\\@danang.gov.vn/").hostname == "danang.gov.vn"
    assert urlsplit("http://127.0.0.1:8000\\@zalo.me/a.jpg").hostname == "zalo.me"


@pytest.mark.parametrize("text", ["ftp://bao.example/rss", "javascript:alert(1)", "file:///etc/passwd", "http://", ""])
def test_only_http_and_https_have_a_web_host(text):
    assert host_of(text) == ""


def test_parts_of_an_address():
    url = parse("https://user:pw@Bao.Example:8443/a/../tin?x=1#phan")
    assert (url.scheme, url.host, url.port, url.path, url.query) == ("https", "bao.example", 8443, "/tin", "x=1")
    assert url.geturl() == "https://bao.example:8443/tin?x=1"  # no user name, password or fragment
    assert parse("/rss.xml?page=2", base="http://bao.example/tin/").geturl() == "http://bao.example/rss.xml?page=2"
    assert parse("https://bao.example").effective_port == 443 and parse("http://[::1]:81/").netloc == "[::1]:81"


@pytest.mark.parametrize(
    "typed, host",
    [
        ("facebook.com/SoYTeDaNang", "facebook.com"),
        ("www.danang.gov.vn", "www.danang.gov.vn"),
        ("danang.gov.vn:8080/x", "danang.gov.vn"),
        ("evil.com#@danang.gov.vn", "evil.com"),
        ("evil.com\\@danang.gov.vn", "evil.com"),
        ("https://evil.com\\@danang.gov.vn", "evil.com"),
    ],
)
def test_typed_addresses_without_a_scheme(typed, host):
    assert parse_typed(typed).host == host


@pytest.mark.parametrize("typed", ["mailto:a@danang.gov.vn", "javascript://danang.gov.vn", "tel:1022", "xin chào"])
def test_typed_text_that_is_no_web_address(typed):
    assert parse_typed(typed) is None
