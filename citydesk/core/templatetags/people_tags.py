from django import template

from citydesk.core.people import display_name

register = template.Library()


@register.filter
def person(user) -> str:
    """{{ user|person }}: the user's name, family name first."""
    return display_name(user)
