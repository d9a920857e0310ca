from django import template

from ..forms import FlagForm
from ..views import comments_for, current_member

register = template.Library()


@register.simple_tag(takes_context=True)
def community_comments(context, page):
    """The page's approved comments, the signed-in member (if any) and the report form."""
    return {"comments": comments_for(page), "member": current_member(context["request"]), "flag_form": FlagForm()}
