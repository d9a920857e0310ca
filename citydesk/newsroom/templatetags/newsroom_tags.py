from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from wagtail.models import Page

from citydesk.newsroom import parts, selectors
from citydesk.newsroom.models import ARTICLES_PER_PAGE, per_generation
from citydesk.newsroom.structured_data import as_script, news_article

register = template.Library()
VIETNAMESE = "vi"  # the language of everything citydesk publishes


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, article):
    """The article's NewsArticle JSON-LD as a <script> element (once per generation and revision)."""
    request = context["request"]
    return mark_safe(  # noqa: S308 (as_script escapes it)
        parts.rendered_part(
            article, "json-ld", request, lambda: as_script(news_article(article=article, request=request))
        )
    )


class PagePartNode(template.Node):
    def __init__(self, nodelist, page, name):
        self.nodelist, self.page, self.name = nodelist, page, name

    def render(self, context):
        page = self.page.resolve(context)
        name = self.name.resolve(context)
        return parts.rendered_part(page, name, context.get("request"), lambda: self.nodelist.render(context))


@register.tag
def page_part(parser, token):
    """{% page_part page "name" %}…{% endpage_part %}: HTML that depends only on the page's live revision
    and what the generation covers (its body, images, topic), rendered once per generation (parts.py)."""
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError("page_part takes a page and a name")
    nodelist = parser.parse(("endpage_part",))
    parser.delete_first_token()
    return PagePartNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))


class ShareHeadNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        from django.utils.html import escape

        from citydesk.newsroom.share import share_meta

        title = self.nodelist.render(context).strip()  # already escaped by the template
        site_suffix = f" · {escape(context.get('site_name', ''))}"
        card_title = title[: -len(site_suffix)] if title.endswith(site_suffix) and title != site_suffix else title
        request, page = context.get("request"), context.get("page")
        if request is not None and isinstance(page, Page) and "trang" not in request.GET:
            # The same card for every reader of this page, address and language (a page number, which
            # anyone can vary, is not kept: the fragments stay bounded by the pages and languages).
            address = (request.scheme, parts.cache_host(request), request.path)
            meta = per_generation(
                page,
                ("share", get_language(), *address, card_title),
                lambda: share_meta(context=context, title=card_title),
            )
        else:
            meta = share_meta(context=context, title=card_title)
        context["share"] = meta
        lines = [
            f"<title>{title}</title>",
            f'<link rel="canonical" href="{escape(meta.url)}">',
            *(
                f'<link rel="alternate" hreflang="{language}" href="{escape(url)}">'
                for language, url in meta.alternates.items()
            ),
            f'<meta property="og:site_name" content="{escape(context.get("site_name", ""))}">',
            f'<meta property="og:title" content="{card_title}">',
            f'<meta property="og:description" content="{escape(meta.description)}">',
            f'<meta property="og:image" content="{escape(meta.image)}">',
            f'<meta property="og:type" content="{meta.type}">',
            f'<meta property="og:url" content="{escape(meta.url)}">',
            f'<meta property="og:locale" content="{meta.locale}">',
            '<meta name="twitter:card" content="summary_large_image">',
        ]
        if meta.published_time:
            lines.append(f'<meta property="article:published_time" content="{meta.published_time}">')
        return "\n  ".join(lines)


@register.tag
def share_head(parser, token):
    """<title> from the enclosed block, then the Open Graph card, canonical link and hreflang alternates."""
    nodelist = parser.parse(("endshare_head",))
    parser.delete_first_token()
    return ShareHeadNode(nodelist)


class SitePartNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        return parts.site_part(self.name, context.get("request"), lambda: self.nodelist.render(context))


@register.tag
def site_part(parser, token):
    """{% site_part "name" %}…{% endsite_part %}: HTML of every page that depends only on the language and
    the address (links and labels of the header and footer), rendered once per generation (parts.py)."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError("site_part takes a quoted name")
    nodelist = parser.parse(("endsite_part",))
    parser.delete_first_token()
    return SitePartNode(nodelist, bits[1][1:-1])


@register.simple_tag(takes_context=True)
def language_links(context):
    """The footer's language switcher: the reader's language in bold, a link to the same page (its path
    from the share card) in each other language."""
    current = get_language()
    paths = getattr(context.get("share"), "paths", {})
    links = []
    for code, _name in settings.LANGUAGES:
        name = get_language_info(code)["name_local"]
        if code == current:
            links.append(format_html('<strong lang="{}">{}</strong>', code, name))
        else:
            links.append(
                format_html('<a href="{}" hreflang="{}" lang="{}">{}</a>', paths.get(code, ""), code, code, name)
            )
    return mark_safe(" · ".join(links))  # noqa: S308 (each part escaped by format_html)


@register.simple_tag
def vi_lang():
    """` lang="vi"` on an element holding Vietnamese content (articles, claims, topic and unit names:
    citydesk publishes in Vietnamese only) when the page's interface language is another, so that
    screen readers and translation tools read that part as Vietnamese; nothing on Vietnamese pages."""
    return "" if get_language() == VIETNAMESE else mark_safe(f' lang="{VIETNAMESE}"')  # noqa: S308 (a constant)


# The page listings: the page models render them but import no selectors (the layers go
# models → selectors → services → views and templates), so the templates ask for them here.
@register.simple_tag
def latest_articles(limit: int = ARTICLES_PER_PAGE):
    """The newest live articles (the home page)."""
    return selectors.latest_articles(limit=limit)


@register.simple_tag(takes_context=True)
def topic_articles(context, topic):
    """One page (?trang=) of the topic's live articles, newest first."""
    paginator = Paginator(selectors.latest_articles(topic=topic), ARTICLES_PER_PAGE)
    return paginator.get_page(context["request"].GET.get("trang"))
