"""Reads of the newsroom's public content."""

from django.db.models import QuerySet

from citydesk.core.text import fold_diacritics

from .models import ArticlePage, TopicPage

MAX_SEARCH_RESULTS = 50


def live_articles() -> QuerySet[ArticlePage]:
    """Every article the public may read, newest first."""
    return (
        ArticlePage.objects.live()
        .public()
        .select_related("unit", "main_image")
        .order_by("-first_published_at", "-pk")
    )


def latest_articles(*, topic: TopicPage | None = None, limit: int | None = None) -> QuerySet[ArticlePage]:
    """Live articles, optionally of one topic, newest first."""
    articles = live_articles()
    if topic is not None:
        articles = articles.child_of(topic)
    return articles[:limit] if limit else articles


def live_topics() -> QuerySet[TopicPage]:
    """Topics shown in the site's navigation, in the order editors gave them."""
    return TopicPage.objects.live().public().in_menu().order_by("path")


def search_articles(*, query: str) -> list[ArticlePage]:
    """Articles matching the query with or without diacritics, most relevant first.

    All words must match; when nothing does, any word may, still ranked by relevance.
    """
    folded = fold_diacritics(query)
    if not folded:
        return []
    # The index holds diacritics-folded text (ArticlePage.search_text), so the query is folded too.
    for operator in ("and", "or"):
        results = list(live_articles().search(folded, operator=operator)[:MAX_SEARCH_RESULTS])
        if results:
            return results
    return []
