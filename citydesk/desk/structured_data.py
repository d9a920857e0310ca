"""schema.org ClaimReview for clarification pages, with the fields Google requires and recommends."""

from django.conf import settings
from django.utils import translation

from .models import ClarificationPage, Rating
from .selectors import appearance_urls

# ratingValue on a 1..4 scale (worst to best), alternateName is what readers see.
RATING_VALUE = {Rating.FALSE: 1, Rating.MISLEADING: 2, Rating.UNPROVEN: 3, Rating.TRUE: 4}
BEST_RATING, WORST_RATING = 4, 1
RATING_NAME_VI = {
    Rating.TRUE: "Đúng",
    Rating.FALSE: "Sai",
    Rating.MISLEADING: "Gây hiểu lầm",
    Rating.UNPROVEN: "Chưa đủ căn cứ",
}


def claim_review(*, page: ClarificationPage, request) -> dict:
    """ClaimReview JSON-LD for one published clarification."""
    claim = page.claim
    verdict = claim.approved_verdict
    site_url = request.build_absolute_uri("/")
    organization = {"@type": "GovernmentOrganization", "name": settings.WAGTAIL_SITE_NAME, "url": site_url}
    appearances = [{"@type": "CreativeWork", "url": url} for url in appearance_urls(claim)]
    # No "author" for the claim: the desk keeps no record of who spread it (claims, not people).
    item_reviewed = {"@type": "Claim", "datePublished": claim.first_seen_at.date().isoformat()}
    if appearances:
        item_reviewed["appearance"] = appearances
        item_reviewed["firstAppearance"] = appearances[0]
    with translation.override("vi"):  # the page and its markup are in Vietnamese
        rating_name = verdict.get_rating_display()
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": page.get_full_url(request),
        "claimReviewed": verdict.statement or claim.statement,
        "datePublished": verdict.approved_at.date().isoformat(),
        "inLanguage": "vi",
        "author": organization,
        "publisher": organization,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_VALUE[verdict.rating],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": rating_name,
            "ratingExplanation": verdict.summary,
        },
        "itemReviewed": item_reviewed,
    }
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    return data
