from django import template
from django.utils.html import format_html

from citydesk.core.links import is_http_url

register = template.Library()


@register.filter
def safe_http_url(value) -> str:
    """{{ url|safe_http_url }}: the address if it is an http(s) link, else "" (so it is never an href)."""
    return value if is_http_url(value) else ""


@register.simple_tag
def http_link(url, text="") -> str:
    """{% http_link url text %}: a link opening in a new tab for an http(s) address; anything else
    (a `javascript:` address stored earlier) is shown as plain text, never as a link."""
    if not url:
        return ""
    if is_http_url(url):
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', url, text or url)
    if text and text != url:
        return format_html("<span>{} ({})</span>", text, url)
    return format_html("<span>{}</span>", url)
