"""RSS 2.0 and Atom 1.0 feeds of the latest articles."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from citydesk.core.feeds import FEED_SIZE, PageFeed

from .selectors import corrections_log, latest_articles


class LatestArticlesFeed(PageFeed):
    """The newest articles, as RSS 2.0."""

    title = settings.WAGTAIL_SITE_NAME
    description = _("Latest official news from the city's public-information office")
    link = "/"

    def items(self):
        return latest_articles(limit=FEED_SIZE)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_author_name(self, item):
        return ", ".join(contributor.byline for contributor in item.contributors())

    def item_categories(self, item):
        return [item.topic.title]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """The newest articles, as Atom 1.0."""

    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class CorrectionsFeed(Feed):
    """The corrections log as RSS 2.0: article and clarification corrections, newest first."""

    title = _("Corrections")
    description = _("Corrections to the office's articles and clarifications")
    link = "/dinh-chinh/"
    language = "vi"

    def items(self):
        return corrections_log(limit=FEED_SIZE)

    def item_title(self, item):
        return _("Correction: %(title)s") % {"title": item.title}

    def item_description(self, item):
        return f"{item.what_changed}\n{item.reason}".strip()

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return item.key

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.at
