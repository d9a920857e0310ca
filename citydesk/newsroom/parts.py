"""Parts of a public page that are the same for every reader, kept in this process once per page-cache
generation (pagecache.fragments): the rendered body of a page revision, its JSON-LD and byline, the header
and footer links. The lists a page shows (contributors, corrections, comments, the share card) are kept
the same way by models.per_generation.

Only a page loaded by a remembered route (pagecache.RouteMemoMiddleware sets its `_citydesk_generation`)
uses them, so a preview, a draft or a page without a shared cache is always built afresh. Every change
a public page shows replaces the generation (pagecache.SHOWN_MODELS, page publish/unpublish/move), and
the keys also hold the page's live revision: a republished page renders its new body on the next request.
"""

from django.utils.translation import get_language

from .pagecache import cache_host, fragments


def site_part(name: str, request, render) -> str:
    """A rendered piece of every page that depends only on the language and the address (header and footer
    links), once per generation; render() without a request or a generation."""
    if request is None:
        return render()
    key = ("site-html", name, get_language(), request.scheme, cache_host(request))
    return fragments.remember(request, key, render)


def rendered_part(page, name: str, request, render) -> str:
    """A rendered piece of a page's HTML, once per generation, live revision, language and address
    (links in it are absolute or carry the language prefix); render() for previews and other pages."""
    generation = getattr(page, "_citydesk_generation", None)
    if generation is None or request is None or getattr(request, "is_preview", False):
        return render()
    key = ("html", name, page.pk, page.live_revision_id, get_language(), request.scheme, cache_host(request))
    return fragments.remember_for(generation, key, render)
