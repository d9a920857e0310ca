"""Reads of the newsroom's public content."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from wagtail.models import Page

from citydesk.core.models import ContributorProfile
from citydesk.core.search import ranked_search

from .models import ArticlePage, TopicPage

MAX_SEARCH_RESULTS = 50


def live_articles() -> QuerySet[ArticlePage]:
    """Every article the public may read, newest first."""
    return (
        ArticlePage.objects.live().public().select_related("unit", "main_image").order_by("-first_published_at", "-pk")
    )


def latest_articles(*, topic: TopicPage | None = None, limit: int | None = None) -> QuerySet[ArticlePage]:
    """Live articles, optionally of one topic, newest first."""
    articles = live_articles()
    if topic is not None:
        articles = articles.child_of(topic)
    return articles[:limit] if limit else articles


def articles_by_contributor(*, contributor: ContributorProfile) -> QuerySet[ArticlePage]:
    """Live articles that carry the contributor's byline, newest first."""
    return live_articles().filter(bylines__contributor=contributor)


def site_sections() -> QuerySet[Page]:
    """The home page's sections shown in the navigation (topics, Kiểm chứng), in the editors' order."""
    return Page.objects.filter(depth=3).live().public().in_menu().order_by("path")


def search_articles(*, query: str) -> list[ArticlePage]:
    """Live articles matching the query with or without diacritics, most relevant first."""
    return ranked_search(
        live_articles(),
        query=query,
        exact_text=lambda article: " ".join([article.title, article.lead, article.body_text()]),
        limit=MAX_SEARCH_RESULTS,
    )


@dataclass(frozen=True)
class LoggedCorrection:
    """One line of the public corrections log: an article's or a clarification's correction."""

    kind: str  # "article" or "clarification"
    title: str
    url: str
    what_changed: str
    reason: str
    at: datetime
    key: str  # stable id for feeds


def corrections_log(*, limit: int | None = None) -> list[LoggedCorrection]:
    """Every public correction, newest first: of live articles and of live clarifications."""
    from citydesk.desk.models import ClarificationPage, Correction

    from .models import ArticleCorrection

    articles = ArticleCorrection.objects.filter(article__live=True).select_related("article").order_by("-created_at")
    claims = Correction.objects.order_by("-created_at")
    pages = {page.claim_id: page for page in ClarificationPage.objects.live().filter(claim__corrections__isnull=False)}
    entries = [
        LoggedCorrection(
            "article", c.article.title, c.article.url, c.what_changed, c.reason, c.created_at, f"article-{c.pk}"
        )
        for c in (articles[:limit] if limit else articles)
    ]
    for correction in claims[:limit] if limit else claims:
        page = pages.get(correction.claim_id)
        if page is not None:
            entries.append(
                LoggedCorrection(
                    "clarification",
                    page.title,
                    page.url,
                    correction.note,
                    "",
                    correction.created_at,
                    f"clarification-{correction.pk}",
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit] if limit else entries
