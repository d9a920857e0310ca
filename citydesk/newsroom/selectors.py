"""Reads of the newsroom's public content."""

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
