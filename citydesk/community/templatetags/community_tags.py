from django import template

from citydesk.newsroom.models import per_generation

from ..forms import FlagForm
from ..views import comments_for, current_member

register = template.Library()


@register.simple_tag(takes_context=True)
def community_comments(context, page):
    """The page's approved comments (once per generation: approving one replaces it), the signed-in
    member (if any) and the report form."""
    comments = per_generation(page, "comments", lambda: tuple(comments_for(page)))
    member = current_member(context["request"])
    return {"comments": comments, "member": member, "flag_form": FlagForm() if member else None}
