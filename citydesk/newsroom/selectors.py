"""Reads of the newsroom's public content."""

import re
import unicodedata

from django.db.models import QuerySet
from wagtail.models import Page
from wagtail.search.query import Phrase

from citydesk.core.models import ContributorProfile
from citydesk.core.text import fold_diacritics

from .models import ArticlePage, TopicPage

MAX_SEARCH_RESULTS = 50
_SPACES = re.compile(r"\s+")


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
    """Articles matching the query with or without diacritics, most relevant first.

    Articles with the words side by side come first, then those with all the words, each group
    ranked by relevance; only when none has all the words do articles with any of them count.
    """
    folded = fold_diacritics(query)
    if not folded:
        return []
    # The index holds diacritics-folded text (ArticlePage.search_text), so the query is folded too.
    # Folding merges some words ("Nẵng" and "nắng" are both "nang"); the phrase pass keeps
    # "da nang" from ranking an article on hot weather ("đã nắng") above one on Đà Nẵng.
    articles = live_articles()
    results: list[ArticlePage] = []
    if " " in folded:
        results.extend(articles.search(Phrase(folded))[:MAX_SEARCH_RESULTS])
    seen = {article.pk for article in results}
    results.extend(
        article for article in articles.search(folded, operator="and")[:MAX_SEARCH_RESULTS] if article.pk not in seen
    )
    if not results:
        results.extend(articles.search(folded, operator="or")[:MAX_SEARCH_RESULTS])
    typed = _SPACES.sub(" ", unicodedata.normalize("NFC", query)).strip().lower()
    if typed != folded:
        # The reader typed the marks: articles with those exact words come first (the sort is stable).
        results.sort(key=lambda article: typed not in _exact_text(article))
    return results[:MAX_SEARCH_RESULTS]


def _exact_text(article: ArticlePage) -> str:
    text = " ".join([article.title, article.lead, article.body_text()])
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).lower()
