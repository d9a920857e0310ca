"""Reads of the desk: the inbox with priority, and what the public may see of a claim."""

from datetime import timedelta

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from citydesk.core.links import is_http_url
from citydesk.core.search import ranked_search

from .models import Claim, ClaimStatus, ClarificationPage, Evidence, HarmCategory
from .sla import with_sla

# Harm weighs more where a rumour can hurt people's health or safety fastest.
HARM_WEIGHT = {
    HarmCategory.HEALTH: 10,
    HarmCategory.DISASTER: 10,
    HarmCategory.SCAM: 6,
    HarmCategory.IMPERSONATION: 6,
    HarmCategory.PUBLIC_SERVICES: 3,
    HarmCategory.OTHER: 0,
}
OPEN_STATUSES = [ClaimStatus.NEW, ClaimStatus.IN_VERIFICATION, ClaimStatus.AWAITING_APPROVAL]


def claims_with_priority(*, now=None) -> QuerySet[Claim]:
    """Claims annotated with reports in the last 24 h and priority = 3 × last 24 h + all reports + harm weight."""
    since = (now or timezone.now()) - timedelta(hours=24)
    harm = Case(
        *[When(category=category, then=Value(weight)) for category, weight in HARM_WEIGHT.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Claim.objects.select_related("assignee", "unit")
        .annotate(reports_last_24h=Count("reports", filter=Q(reports__received_at__gte=since)))
        .annotate(priority=3 * F("reports_last_24h") + F("report_count") + harm)
    )


def inbox(
    *,
    status: str = "",
    category: str = "",
    assignee_id: int | None = None,
    unit_id: int | None = None,
    seen_from=None,
    seen_to=None,
    order: str = "priority",
) -> QuerySet[Claim]:
    """The desk inbox: open claims by default, filtered, highest priority (or latest) first."""
    claims = claims_with_priority()
    claims = claims.filter(status=status) if status else claims.filter(status__in=OPEN_STATUSES)
    if category:
        claims = claims.filter(category=category)
    if assignee_id:
        claims = claims.filter(assignee_id=assignee_id)
    if unit_id:
        claims = claims.filter(unit_id=unit_id)
    if seen_from:
        claims = claims.filter(last_seen_at__date__gte=seen_from)
    if seen_to:
        claims = claims.filter(first_seen_at__date__lte=seen_to)
    claims = with_sla(claims)
    if order == "latest":
        return claims.order_by("-last_seen_at", "-pk")
    if order == "sla":
        # Claims still waiting for a first response, soonest (or most overdue) deadline first.
        waiting = Case(When(first_response_at__isnull=True, sla_due_at__isnull=False, then=Value(0)), default=Value(1))
        return claims.order_by(waiting, F("sla_due_at").asc(nulls_last=True), "-priority", "-pk")
    return claims.order_by("-priority", "-last_seen_at", "-pk")


def public_evidence(claim: Claim) -> QuerySet[Evidence]:
    """The sources the approved verdict rests on: evidence added before its approval."""
    verdict = claim.approved_verdict
    if verdict is None:
        return Evidence.objects.none()
    # The page shows neither the page text kept at the time nor the capture's main text: not loaded.
    return (
        claim.evidence.filter(added_at__lte=verdict.approved_at)
        .select_related("capture")
        .defer("snapshot", "capture__text")
    )


def appearance_urls(claim: Claim) -> list[str]:
    """Public links where the claim was seen (reports, then monitored feeds), oldest first, without repeats."""
    reported = claim.reports.exclude(url="").order_by("received_at").values_list("url", flat=True)
    monitored = claim.appearances.order_by("found_at", "pk").values_list("url", flat=True)
    # Rows stored before intake filtered schemes may hold a javascript: address: never publish one.
    return [url for url in dict.fromkeys([*reported, *monitored]) if is_http_url(url)]


def search_clarifications(*, query: str, limit: int = 10) -> list[ClarificationPage]:
    """Published clarifications matching the query with or without diacritics, most relevant first."""

    def exact_text(page: ClarificationPage) -> str:
        verdict = page.claim.approved_verdict
        return " ".join([page.claim.public_statement] + ([verdict.summary, verdict.explanation] if verdict else []))

    pages = ClarificationPage.objects.live().public().select_related("claim")
    return ranked_search(pages, query=query, exact_text=exact_text, limit=limit)


def latest_clarifications(*, limit: int = 30) -> list[ClarificationPage]:
    """The newest published clarifications (public, with an approved verdict), for the Kiểm chứng feeds."""
    pages = (
        ClarificationPage.objects.live()
        .public()
        .filter(claim__verdicts__approved_at__isnull=False)
        .distinct()
        .select_related("claim")
        .order_by("-first_published_at")
    )
    return list(pages[:limit])
