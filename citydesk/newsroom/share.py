"""What a shared link shows: Open Graph card, canonical link and language alternates, all absolute.

Facebook and Zalo build the card of a link the channels post from `og:` tags; search engines read the
canonical link and the `hreflang` alternates (Vietnamese at the root, English under /en/).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.models import Site

SHARE_IMAGE = "img/share-card.png"  # 1200×630, the size Facebook and Zalo crop cards to
SHARE_RENDITION = "fill-1200x630|format-jpeg"
EN_PREFIX = "/en"
PAGE_PARAM = "trang"  # the pagination parameter, the only one that makes a different page


@dataclass(frozen=True)
class ShareMeta:
    title: str
    description: str
    image: str
    type: str
    url: str
    alternates: dict[str, str]  # hreflang -> absolute URL, with "x-default"
    paths: dict[str, str]  # language -> the same page's path, for the language links
    locale: str
    published_time: str = ""


def base_url(request) -> str:
    """The site's public address without a trailing slash: the Wagtail Site serving the request,
    else CITYDESK_BASE_URL. Never the request's Host header."""
    try:
        site = Site.find_for_request(request) if request is not None else None
    except DatabaseError:  # pages that need no data (the tip form) render while the database is down
        site = None
    root = site.root_url if site is not None else settings.WAGTAILADMIN_BASE_URL
    return root.rstrip("/")


def language_paths(path: str) -> dict[str, str]:
    """The same page's path in each language: Vietnamese at the root, English under /en/."""
    vietnamese = path[len(EN_PREFIX) :] if path == EN_PREFIX or path.startswith(EN_PREFIX + "/") else path
    vietnamese = vietnamese or "/"
    return {"vi": vietnamese, "en": EN_PREFIX + vietnamese}


def _page_suffix(request) -> str:
    number = request.GET.get(PAGE_PARAM, "")
    return f"?{PAGE_PARAM}={number}" if number.isdigit() and number not in ("0", "1") else ""


def _description(page, context) -> str:
    from citydesk.desk.models import ClarificationPage

    from .models import ArticlePage

    specific = getattr(page, "specific", page)
    if isinstance(specific, ArticlePage):
        return specific.search_description or specific.lead
    if isinstance(specific, ClarificationPage):
        verdict = specific.claim.approved_verdict
        if verdict is not None:
            return f"{verdict.get_rating_display()}: {verdict.summary}"
        return specific.claim.statement
    if page is not None:
        return specific.search_description or getattr(specific, "intro", "")
    contributor = context.get("contributor")
    if contributor is not None:
        return contributor.bio or " · ".join(part for part in [contributor.title, contributor.unit.name] if part)
    return ""


def _image(page, request, root: str) -> str:
    from .models import ArticlePage

    specific = getattr(page, "specific", page)
    if isinstance(specific, ArticlePage) and specific.main_image_id:
        url = specific.main_image.get_rendition(SHARE_RENDITION).url
        return url if "://" in url else root + url
    return root + static(SHARE_IMAGE)


def share_meta(*, context, title: str) -> ShareMeta:
    """The card, canonical URL and alternates of the page being rendered."""
    from citydesk.desk.models import ClarificationPage

    from .models import ArticlePage

    request = context.get("request")
    page = context.get("page")
    root = base_url(request)
    paths = language_paths(request.path if request is not None else "/")
    suffix = _page_suffix(request) if request is not None else ""
    alternates = {language: root + path + suffix for language, path in paths.items()}
    alternates["x-default"] = alternates["vi"]
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    specific = getattr(page, "specific", page)
    is_article = isinstance(specific, (ArticlePage, ClarificationPage))
    description = strip_tags(_description(page, context)) or _(
        "Official website of the city's public-information office."
    )
    published = getattr(specific, "first_published_at", None) if is_article else None
    return ShareMeta(
        title=title,
        description=Truncator(" ".join(description.split())).chars(300),
        image=_image(page, request, root),
        type="article" if is_article else "website",
        url=alternates.get(language, alternates["vi"]),
        alternates=alternates,
        paths={language: path + suffix for language, path in paths.items()},
        locale="vi_VN" if language == "vi" else "en_US",
        published_time=published.isoformat() if published else "",
    )
