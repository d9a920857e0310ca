"""Only http(s) addresses become links: checked at input (is_http_url) and at render (link_tags)."""

import pytest
from django.template import Context, Template

from citydesk.core.links import is_http_url


@pytest.mark.parametrize(
    "url",
    [
        "https://www.facebook.com/123_456",
        "http://thanhpho.example/tin?id=1#top",
        "HTTPS://T.ME/kenh/5",
        "http://[::1]:8/",
    ],
)
def test_web_addresses_are_links(url):
    assert is_http_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JaVaScRiPt:alert(1)",
        "java\nscript:alert(1)",  # browsers drop the newline
        " javascript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://files.example/a",
        "//evil.example/",
        "/admin/",
        "https:evil.example",
        "http://",
        "http://[unclosed",
        "https://ok.example/ with space",
        "",
        None,
    ],
)
def test_anything_else_is_not(url):
    assert not is_http_url(url)


def render(source: str, **context) -> str:
    return Template("{% load link_tags %}" + source).render(Context(context))


def test_the_tag_links_web_addresses_and_shows_anything_else_as_plain_text():
    link = render("{% http_link url 'xem' %}", url="https://t.me/kenh/5")
    assert link == '<a href="https://t.me/kenh/5" target="_blank" rel="noopener noreferrer">xem</a>'
    shown = render("{% http_link url 'xem' %}", url='javascript:alert("x")')
    assert "<a" not in shown and "href" not in shown and "javascript:alert(&quot;x&quot;)" in shown
    assert render("{% http_link url %}", url="") == ""
    assert render("{{ url|safe_http_url }}", url="javascript:alert(1)") == ""
    assert render("{{ url|safe_http_url }}", url="https://x.example/?a=1&b=2") == "https://x.example/?a=1&amp;b=2"
