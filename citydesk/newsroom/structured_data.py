"""schema.org metadata that search engines read from article pages."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from .models import ArticlePage

# The same escapes as Django's json_script, so no string in the data can close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def news_article(*, article: ArticlePage, request) -> dict:
    """NewsArticle JSON-LD for one article."""
    url = article.get_full_url(request)
    authors = [
        {
            "@type": "Person",
            "name": contributor.name,
            "affiliation": {"@type": "GovernmentOrganization", "name": contributor.unit.name},
        }
        for contributor in article.contributors()
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.lead,
        "inLanguage": "vi",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "articleSection": article.topic.title,
        "author": authors,
        "sourceOrganization": {"@type": "GovernmentOrganization", "name": article.unit.name},
        "publisher": {"@type": "GovernmentOrganization", "name": settings.WAGTAIL_SITE_NAME},
    }
    if article.first_published_at:
        data["datePublished"] = article.first_published_at.isoformat()
    # A correction is a modification readers and search engines must see, even without a new revision.
    latest_correction = max((correction.created_at for correction in article.correction_list), default=None)
    modified = max(filter(None, [article.last_published_at, latest_correction]), default=None)
    if modified:
        data["dateModified"] = modified.isoformat()
    if article.main_image:
        rendition = article.main_image.get_rendition("fill-1200x675")
        data["image"] = [request.build_absolute_uri(rendition.url)]
    return data


def as_script(data: dict) -> SafeString:
    """Render data as a JSON-LD <script> element."""
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above
