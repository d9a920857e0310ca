"""Diacritics-insensitive ranked search over Wagtail pages whose index holds folded text."""

import re
import unicodedata
from collections.abc import Callable

from django.db.models import QuerySet
from wagtail.search.query import Phrase

from .text import fold_diacritics

_SPACES = re.compile(r"\s+")


def _typed(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().lower()


def ranked_search(pages: QuerySet, *, query: str, exact_text: Callable[[object], str], limit: int = 50) -> list:
    """Pages matching the query with or without diacritics, most relevant first.

    The pages' index must hold diacritics-folded text; the query is folded the same way. Pages with
    the words side by side come first, then those with all the words, each group ranked by the
    backend's relevance; only when none has all the words do pages with any of them count.
    """
    folded = fold_diacritics(query)
    if not folded:
        return []
    # Folding merges some words ("Nẵng" and "nắng" are both "nang"); the phrase pass keeps
    # "da nang" from ranking a page on hot weather ("đã nắng") above one on Đà Nẵng.
    results = list(pages.search(Phrase(folded))[:limit]) if " " in folded else []
    seen = {page.pk for page in results}
    results.extend(page for page in pages.search(folded, operator="and")[:limit] if page.pk not in seen)
    if not results:
        results.extend(pages.search(folded, operator="or")[:limit])
    typed = _typed(query)
    if typed != folded:
        # The reader typed the marks: pages with those exact words come first (the sort is stable).
        results.sort(key=lambda page: typed not in _typed(exact_text(page)))
    return results[:limit]
