from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key], or "" when it is missing (explanations per option)."""
    return (mapping or {}).get(key, "")
