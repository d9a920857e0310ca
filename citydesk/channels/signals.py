"""Published pages go to the channels chosen for them, in the publishing transaction where there is one.

Clarifications: every approval (and re-approval after a correction) publishes the clarification page
inside the desk's transaction; accounts with "post every published clarification" get it then.
Articles: the accounts ticked on the article get it when it is first published (a later edit is not
re-posted); deliver_due also queues any live article whose queueing was lost (a crash just after the
page went live), so it is never skipped.
"""

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def page_post(page) -> dict:
    """What a page says when it is posted: title, summary, link and image, in Vietnamese (the office's
    channels speak it). The publish screen starts from the same values."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext as _

    from citydesk.desk.models import ClarificationPage

    page = page.specific
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(page, ClarificationPage) and page.claim.approved_verdict:
            verdict = page.claim.approved_verdict
            title = (_("Fact check: %(claim)s") % {"claim": page.claim.statement})[:300]
            summary = f"{verdict.get_rating_display()}: {verdict.summary}"
        else:
            title = page.title
            summary = getattr(page, "lead", "") or page.search_description or getattr(page, "intro", "") or ""
    return {"title": title, "summary": summary, "link": page.get_full_url() or "", "image_url": image_url(page)}


def image_url(page) -> str:
    """The absolute address of the page's main image (a web-sized rendition), or ""."""
    from django.conf import settings

    image = getattr(page, "main_image", None)
    if image is None:
        return ""
    url = image.get_rendition("max-1200x1200").url
    return url if url.startswith("http") else settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def queue_page(page, accounts, *, actor=None):
    from . import services

    return services.publish(page=page, accounts=accounts, actor=actor, **page_post(page))


def on_page_published(sender, instance, revision=None, **kwargs):
    from citydesk.desk.models import ClarificationPage
    from citydesk.newsroom.models import ArticlePage

    from .models import ChannelAccount, Publication

    page = instance.specific if hasattr(instance, "specific") else instance
    with transaction.atomic():
        if isinstance(page, ClarificationPage):
            accounts = list(ChannelAccount.objects.filter(is_active=True, auto_clarifications=True))
        elif isinstance(page, ArticlePage) and not Publication.objects.filter(page=page).exists():
            accounts = [account for account in page.channels.all() if account.is_active]
        else:
            return
        if accounts:
            queue_page(page, accounts)


def queue_missed_articles() -> int:
    """Live articles with chosen channels that were never queued (the process died after publishing)."""
    from citydesk.newsroom.models import ArticlePage

    from .models import Publication

    queued = 0
    missed = (
        ArticlePage.objects.live()
        .filter(channels__is_active=True)
        .exclude(pk__in=Publication.objects.values("page_id"))
    )
    for page in missed.distinct():
        with transaction.atomic():
            accounts = [account for account in page.channels.all() if account.is_active]
            if accounts and not Publication.objects.filter(page=page).exists():
                queue_page(page, accounts)
                queued += 1
                log.warning("Article %s was live but not queued for its channels: queued now", page.pk)
    return queued
