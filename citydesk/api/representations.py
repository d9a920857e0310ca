"""What the API returns, built from the models (the serializers describe these dicts for the schema)."""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import translation

from citydesk.desk.models import ClaimStatus, ClarificationPage, Evidence, Verdict
from citydesk.desk.selectors import appearance_urls
from citydesk.desk.structured_data import BEST_RATING, RATING_VALUE, WORST_RATING


def _both(choices_display) -> tuple[str, str]:
    with translation.override("vi"):
        vi = str(choices_display())
    with translation.override("en"):
        en = str(choices_display())
    return vi, en


def clarifications() -> QuerySet[ClarificationPage]:
    """Live public clarifications with what their representation reads prefetched, and the rating of
    the latest approved verdict (for filtering)."""
    latest = Verdict.objects.filter(claim=OuterRef("claim_id"), approved_at__isnull=False).order_by("-approved_at")
    return (
        ClarificationPage.objects.live()
        .public()
        .select_related("claim")
        .annotate(rating=Subquery(latest.values("rating")[:1]))
        .prefetch_related(
            Prefetch(
                "claim__verdicts",
                queryset=Verdict.objects.filter(approved_at__isnull=False).order_by("-approved_at"),
                to_attr="approved_verdicts",
            ),
            "claim__corrections",
            Prefetch("claim__evidence", queryset=Evidence.objects.order_by("added_at", "pk")),
        )
    )


def clarification(page: ClarificationPage, request) -> dict | None:
    """The ClaimReview-shaped representation of one clarification (None if it has no approved verdict)."""
    claim = page.claim
    approved = getattr(claim, "approved_verdicts", None)
    verdict = approved[0] if approved is not None else claim.approved_verdict
    if verdict is None:
        return None
    name, name_en = _both(verdict.get_rating_display)
    category, _category_en = _both(claim.get_category_display)
    evidence = [e for e in claim.evidence.all() if e.added_at <= verdict.approved_at]
    return {
        "id": page.pk,
        "url": page.get_full_url(request),
        "claim": verdict.statement or claim.statement,
        "category": claim.category,
        "category_name": category,
        "rating": {
            "value": verdict.rating,
            "name": name,
            "name_en": name_en,
            "rating_value": RATING_VALUE[verdict.rating],
            "best_rating": BEST_RATING,
            "worst_rating": WORST_RATING,
            "summary": verdict.summary,
        },
        "explanation": verdict.explanation,
        "date_published": verdict.approved_at,
        "date_modified": page.last_published_at,
        "first_seen": claim.first_seen_at,
        "appearances": appearance_urls(claim),
        "evidence": [{"url": e.url, "title": e.title, "quote": e.quote} for e in evidence],
        "corrections": [{"note": c.note, "date": c.created_at} for c in claim.corrections.all()],
    }


def unit(value) -> dict | None:
    if value is None:
        return None
    return {"id": value.pk, "name": value.name, "short_name": value.short_name}


def topic(page, request) -> dict:
    return {
        "id": page.pk,
        "slug": page.slug,
        "title": page.title,
        "summary": page.intro,
        "url": page.get_full_url(request),
    }


def article(page, request) -> dict:
    return {
        "id": page.pk,
        "title": page.title,
        "summary": page.lead,
        "url": page.get_full_url(request),
        "first_published_at": page.first_published_at,
        "last_published_at": page.last_published_at,
        "topic": topic(page.get_parent().specific, request),
        "unit": unit(page.unit),
        "bylines": [
            {"name": byline.contributor.name, "unit": unit(byline.contributor.unit)}
            for byline in page.bylines.all()
            if byline.contributor_id
        ],
    }


def official_account(account) -> dict:
    return {
        "name": account.name,
        "kind": account.kind,
        "value": account.value,
        "unit": unit(account.unit),
        "note": account.note,
    }


def public_status(claim) -> tuple[str, object]:
    """Where a report's claim stands, as a partner may see it (a merged claim stands where its original does)."""
    seen = set()
    while claim.status == ClaimStatus.DUPLICATE and claim.duplicate_of_id and claim.pk not in seen:
        seen.add(claim.pk)
        claim = claim.duplicate_of
    return {
        ClaimStatus.PUBLISHED: "published",
        ClaimStatus.NOT_CHECKABLE: "not_checkable",
        ClaimStatus.NEW: "received",
    }.get(claim.status, "in_verification"), claim


def partner_report(filing, request) -> dict:
    report = filing.report
    status, claim = public_status(report.claim)
    answer = None
    if status == "published":
        page = clarifications().filter(claim=claim).first()
        answer = clarification(page, request) if page else None
    return {
        "id": filing.public_id,
        "received_at": report.received_at,
        "text": report.text,
        "url": report.url,
        "has_image": bool(report.image),
        "status": status,
        "clarification": answer,
    }


def staff_claim(claim, *, detail: bool = False) -> dict:
    data = {
        "id": claim.pk,
        "statement": claim.statement,
        "category": claim.category,
        "status": claim.status,
        "unit": unit(claim.unit),
        "assignee": claim.assignee.get_username() if claim.assignee_id else None,
        "report_count": claim.report_count,
        "priority": getattr(claim, "priority", None),
        "first_seen_at": claim.first_seen_at,
        "last_seen_at": claim.last_seen_at,
    }
    if detail:
        data["duplicate_of"] = claim.duplicate_of_id
        data["reports"] = [
            {
                "id": r.pk,
                "text": r.text,
                "url": r.url,
                "channel": r.channel,
                "received_at": r.received_at,
                "has_image": bool(r.image),
            }
            for r in claim.reports.order_by("-received_at")[:200]
        ]
        data["evidence"] = [{"url": e.url, "title": e.title, "quote": e.quote} for e in claim.evidence.all()]
        data["verdicts"] = [
            {
                "rating": v.rating,
                "summary": v.summary,
                "proposed_at": v.proposed_at,
                "approved_at": v.approved_at,
                "withdrawn_at": v.withdrawn_at,
            }
            for v in claim.verdicts.all()
        ]
    return data
