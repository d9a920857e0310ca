from django import template

from citydesk.newsroom.structured_data import as_script, news_article

register = template.Library()


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, article):
    """The article's NewsArticle JSON-LD as a <script> element."""
    return as_script(news_article(article=article, request=context["request"]))
