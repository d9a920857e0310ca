from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from citydesk.core.people import display_name
from citydesk.desk import selectors, trending
from citydesk.desk.structured_data import claim_review
from citydesk.newsroom.structured_data import as_script

register = template.Library()


@register.simple_tag(takes_context=True)
def claim_review_json_ld(context, page):
    """The clarification's ClaimReview JSON-LD as a <script> element."""
    return as_script(claim_review(page=page, request=context["request"]))


@register.filter
def staff_byline(user) -> str:
    """A staff member's real name with their unit, as the office signs what it publishes."""
    if user is None:
        return ""
    name = display_name(user)
    profile = getattr(user, "contributor_profile", None)
    return f"{name} ({profile.unit.name})" if profile else name


@register.filter
def harm_label(category: str) -> str:
    """A harm category's name in the reader's language."""
    from citydesk.desk.models import HarmCategory

    return HarmCategory(category).label if category in HarmCategory.values else category


@register.simple_tag
def sla_label(sla: dict | None) -> str:
    """The first-response target of an inbox row: time left, overdue, met or missed."""
    if not sla:
        return "—"
    hours, minutes = divmod(sla["minutes"], 60)
    duration = f"{hours} h {minutes:02d}" if hours else f"{minutes} min"
    text = {
        "due": _("%(time)s left") % {"time": duration},
        "overdue": _("overdue by %(time)s") % {"time": duration},
        "met": _("met"),
        "missed": _("missed by %(time)s") % {"time": duration},
    }[sla["state"]]
    return format_html('<span class="sla-{}">{}</span>', sla["state"], text)


@register.inclusion_tag("desk/admin/_match_explanation.html")
def match_explanation(report):
    """Why a report was joined to a claim or only suggested: the same-claim decision's key facts."""
    from django.utils.translation import gettext as _

    labels = {
        "disease": _("health condition"),
        "place": _("place"),
        "country": _("country"),
        "organisation": _("organisation or office"),
        "title": _("person's title"),
        "number": _("number"),
        "date": _("date"),
        "direction": _("direction"),
        "negation": _("negation"),
        "wording": _("other words in place of the claim's"),
    }
    explained = report.match_explanation or {}

    def rows(values: dict) -> list[tuple[str, str]]:
        return [(labels.get(family, family), ", ".join(map(str, items))) for family, items in values.items()]

    differ = [
        (
            labels.get(family, family),
            ", ".join(map(str, sides.get("b", []))) or "—",
            ", ".join(map(str, sides.get("a", []))) or "—",
        )
        for family, sides in (explained.get("differ") or {}).items()
    ]
    return {
        "explained": explained,
        "matched": rows(explained.get("matched") or {}),
        "differ": differ,
        "only_one": rows(explained.get("only_one") or {}),
    }


# What the public pages show beside their own content; the page models import no selectors.
@register.simple_tag
def pinned_clarifications():
    """The clarifications pinned under “Đang được quan tâm”, latest pin first."""
    return trending.pinned()


@register.simple_tag
def public_evidence(claim):
    """The sources the claim's approved verdict rests on."""
    return selectors.public_evidence(claim)
