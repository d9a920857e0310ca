from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import get_language

from .pagecache import cache_host, fragments
from .selectors import site_sections

_last_seen: dict = {"sections": []}  # this process's last sections, for pages rendered while the database is down


@dataclass(frozen=True)
class Section:
    pk: int
    title: str
    url: str


def site_navigation(request):
    """Site name and sections for the site's header and navigation, built once per page-cache
    generation in each process (pagecache.fragments: a change to any page rebuilds them). While the
    database does not answer, the last sections this process saw are used (its own memory: the shared
    cache is in the database), so pages that need no data (the tip form) still render."""

    def build():
        return [Section(page.pk, page.title, page.get_url(request)) for page in site_sections()]

    try:
        key = ("nav", cache_host(request), get_language())  # the links carry the language prefix (/en/)
        sections = fragments.remember(request, key, build)
    except DatabaseError:
        sections = _last_seen["sections"]
    else:
        _last_seen["sections"] = sections  # one assignment (a copy in a LocMem cache was pickled on every page)
    return {"site_name": settings.WAGTAIL_SITE_NAME, "nav_sections": sections}
