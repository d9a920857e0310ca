"""RSS 2.0 and Atom 1.0 feeds of the Kiểm chứng section: the newest clarifications with their verdicts."""

from django.conf import settings
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from citydesk.core.feeds import FEED_SIZE, PageFeed

from .models import FactCheckIndexPage
from .selectors import latest_clarifications


class ClarificationsFeed(PageFeed):
    """The newest clarifications, as RSS 2.0: the claim as the title, the verdict and its summary as text."""

    description = _("The office's newest clarifications of claims circulating in the city, with their verdicts")

    def title(self):
        return f"{_('Fact checks')} · {settings.WAGTAIL_SITE_NAME}"

    def link(self):
        section = FactCheckIndexPage.objects.live().first()
        return section.url if section else "/"

    def items(self):
        return latest_clarifications(limit=FEED_SIZE)

    def item_title(self, item):
        return item.claim.public_statement

    def item_description(self, item):
        verdict = item.claim.approved_verdict
        return f"{_('Verdict')}: {verdict.get_rating_display()}. {verdict.summary}"

    def item_author_name(self, item):
        return settings.WAGTAIL_SITE_NAME  # the office speaks, not a person

    def item_categories(self, item):
        return [item.claim.approved_verdict.get_rating_display(), item.claim.get_category_display()]


class ClarificationsAtomFeed(ClarificationsFeed):
    """The newest clarifications, as Atom 1.0."""

    feed_type = Atom1Feed
    subtitle = ClarificationsFeed.description
