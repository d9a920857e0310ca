"""{% load safelinks %} … {{ report.url|http_only }}: the address when it may be a link, else ""."""

from django import template

from citydesk.core.safelinks import http_url_or_empty

register = template.Library()


@register.filter
def http_only(value) -> str:
    return http_url_or_empty(value)
