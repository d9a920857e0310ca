"""What every feed of the office's Wagtail pages shares (newsroom's articles, the desk's clarifications)."""

from django.contrib.syndication.views import Feed

FEED_SIZE = 30


class PageFeed(Feed):
    """A feed whose items are live Wagtail pages: their address, first and last publication."""

    language = "vi"  # the office writes in Vietnamese, whatever the reader's interface language

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at
