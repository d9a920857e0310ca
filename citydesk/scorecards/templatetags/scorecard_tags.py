from django import template

from ..report import fmt

register = template.Library()


@register.simple_tag
def figure(row, metric) -> str:
    """A row's value for a metric, formatted as everywhere else (dashboard, xlsx, PDF)."""
    return fmt(row.values.get(metric.key), metric.kind)
