"""Parts of a public page that are the same for every reader, kept in this process once per page-cache
generation (pagecache.fragments): the rendered body of a page revision, its JSON-LD, the lists of
contributors, corrections and comments a page shows.

Only a page loaded by a remembered route (pagecache.RouteMemoMiddleware sets its `_citydesk_generation`)
uses them, so a preview, a draft or a page without a shared cache is always built afresh. Every change
a public page shows replaces the generation (pagecache.SHOWN_MODELS, page publish/unpublish/move), and
the keys also hold the page's live revision: a republished page renders its new body on the next request.
"""

from django.utils.translation import get_language

from .pagecache import fragments


def page_generation(page) -> str | None:
    """The generation a page was loaded under, or None when its parts must be built for this render."""
    return getattr(page, "_citydesk_generation", None)


def per_generation(page, name: str, build):
    """build() once per generation, page and live revision; every time for other pages."""
    key = ("part", name, page.pk, page.live_revision_id)
    return fragments.remember_for(page_generation(page), key, build)


def rendered_part(page, name: str, request, render) -> str:
    """A rendered piece of a page's HTML, once per generation, live revision, language and address
    (links in it are absolute or carry the language prefix); render() for previews and other pages."""
    generation = page_generation(page)
    if generation is None or request is None or getattr(request, "is_preview", False):
        return render()
    key = ("html", name, page.pk, page.live_revision_id, get_language(), request.scheme, request.get_host())
    return fragments.remember_for(generation, key, render)
