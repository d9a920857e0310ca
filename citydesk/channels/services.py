"""The outbox: what to publish where, and the one worker loop that sends it without duplicates."""

import logging
import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from citydesk.core.links import is_http_url
from citydesk.core.secrets import SecretUnreadable

from . import connectors
from .models import ChannelAccount, Delivery, Publication
from .render import render

log = logging.getLogger(__name__)
S = Delivery.Status
MAX_ATTEMPTS = 6
BASE_DELAY_S, MAX_DELAY_S = 30, 3600


def stale_after() -> timedelta:
    """A "sending" row older than this lost its worker (CITYDESK_CHANNEL_STALE_SECONDS, default 10 min)."""
    return timedelta(seconds=settings.CITYDESK_CHANNEL_STALE_SECONDS)


PUBLISH = "channels.add_publication"


def backoff(attempts: int, *, retry_after: float | None = None, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter; the platform's Retry-After wins when it asks for longer."""
    rng = rng or random
    delay = rng.uniform(0, min(MAX_DELAY_S, BASE_DELAY_S * 2 ** max(0, attempts - 1)))
    if retry_after:
        delay = max(delay, float(retry_after))
    return timedelta(seconds=delay)


@transaction.atomic
def publish(
    *,
    page,
    accounts: Iterable[ChannelAccount],
    actor,
    title: str,
    summary: str,
    link: str,
    image_url: str = "",
    scheduled_at: datetime | None = None,
) -> Publication:
    """Queue a page for the chosen accounts: the publication and its deliveries in one transaction."""
    if actor is not None and not actor.has_perm(PUBLISH):
        raise PermissionDenied(_("Only editors can publish to channels."))
    accounts = [account for account in accounts if account.is_active]
    if not accounts:
        raise ValidationError(_("Choose at least one active channel."))
    if not (title or "").strip() or not (link or "").strip():
        raise ValidationError(_("A publication needs a title and a link."))
    if not is_http_url(link) or (image_url and not is_http_url(image_url)):
        raise ValidationError(_("Links must be web addresses starting with http:// or https://."))
    when = scheduled_at or timezone.now()
    publication = Publication.objects.create(
        page=page,
        title=title.strip(),
        summary=(summary or "").strip(),
        link=link,
        image_url=image_url,
        scheduled_at=when,
        created_by=actor,
    )
    Delivery.objects.bulk_create(
        [Delivery(publication=publication, account=account, next_attempt_at=when) for account in accounts]
    )
    transaction.on_commit(lambda: deliver_due_task.enqueue())
    return publication


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take one due delivery for this worker (compare-and-set: two workers never both win)."""
    return bool(
        Delivery.objects.filter(pk=delivery_id, status__in=[S.PENDING, S.FAILED], next_attempt_at__lte=now).update(
            status=S.SENDING, sending_since=now, attempts=F("attempts") + 1
        )
    )


def send_one(delivery: Delivery, *, now: datetime | None = None) -> Delivery:
    """Send a delivery this worker has claimed and record how it ended."""
    now = now or timezone.now()
    rendered = render(delivery.publication, delivery.account.kind)
    try:
        post_id, post_url = connectors.SENDERS[delivery.account.kind](delivery.account, rendered)
    except SecretUnreadable as error:  # the keys changed: a person enters the token again, then retries
        delivery.status, delivery.last_error = S.GAVE_UP, str(error)
    except connectors.Unknown as outcome:
        delivery.status, delivery.last_error = S.UNKNOWN, str(outcome)
    except connectors.Permanent as outcome:
        delivery.status, delivery.last_error = S.GAVE_UP, str(outcome)
    except connectors.Retryable as outcome:
        delivery.last_error = str(outcome)
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = S.GAVE_UP
        else:
            delivery.status = S.FAILED
            delivery.next_attempt_at = now + backoff(delivery.attempts, retry_after=outcome.retry_after)
    else:
        delivery.status, delivery.post_id, delivery.post_url = S.SENT, post_id, post_url
        delivery.sent_at, delivery.last_error = timezone.now(), ""
    delivery.sending_since = None
    delivery.save(
        update_fields=["status", "post_id", "post_url", "sent_at", "last_error", "next_attempt_at", "sending_since"]
    )
    if delivery.status != S.SENT:
        log.warning("Delivery %s: %s (%s)", delivery.pk, delivery.status, delivery.last_error)
    return delivery


def deliver_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Send every delivery that is due; returns how many this call took."""
    now = now or timezone.now()
    queue_missed_articles()
    settle_stale(now=now)
    due = list(
        Delivery.objects.filter(status__in=[S.PENDING, S.FAILED], next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    taken = 0
    for delivery_id in due:
        if not _claim(delivery_id, now):
            continue  # another worker has it
        taken += 1
        send_one(Delivery.objects.select_related("publication", "account").get(pk=delivery_id), now=now)
    return taken


@task()
def deliver_due_task() -> None:
    deliver_due()


def settle_stale(*, now: datetime | None = None) -> int:
    """Deliveries left "sending" by a worker that died: their outcome is unknown. Then try to settle
    unknown ones against the platform where it can be read (Facebook's page feed)."""
    now = now or timezone.now()
    stale = Delivery.objects.filter(status=S.SENDING, sending_since__lt=now - stale_after())
    count = stale.update(status=S.UNKNOWN, last_error=_("The worker stopped while sending; outcome unknown."))
    for delivery in Delivery.objects.filter(status=S.UNKNOWN).select_related("publication", "account"):
        finder = connectors.FINDERS.get(delivery.account.kind)
        if finder is None:
            continue  # a person decides (Telegram, Zalo and e-mail cannot be read back)
        try:
            post_id = finder(delivery.account, render(delivery.publication, delivery.account.kind))
        except (connectors.Unknown, SecretUnreadable):
            continue  # could not read the page: conclude nothing
        if post_id:
            Delivery.objects.filter(pk=delivery.pk, status=S.UNKNOWN).update(
                status=S.SENT,
                post_id=post_id,
                post_url=f"https://www.facebook.com/{post_id}",
                sent_at=now,
                last_error="",
            )
        elif delivery.updated_at < now - stale_after():
            # Read back and not there after a while: it certainly was not posted.
            Delivery.objects.filter(pk=delivery.pk, status=S.UNKNOWN).update(status=S.FAILED, next_attempt_at=now)
    return count


@transaction.atomic
def retry(*, delivery: Delivery, actor) -> Delivery:
    """A person sends again a delivery that failed, gave up or whose outcome is unknown."""
    if not actor.has_perm(PUBLISH):
        raise PermissionDenied(_("Only editors can publish to channels."))
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status not in (S.FAILED, S.UNKNOWN, S.GAVE_UP):
        raise ValidationError(_("Only a failed, unknown or abandoned delivery can be sent again."))
    delivery.status, delivery.next_attempt_at, delivery.attempts = S.PENDING, timezone.now(), 0
    delivery.save(update_fields=["status", "next_attempt_at", "attempts"])
    transaction.on_commit(lambda: deliver_due_task.enqueue())
    return delivery


@transaction.atomic
def mark_sent(*, delivery: Delivery, actor, post_url: str = "") -> Delivery:
    """A person checked the platform and found the post: settle an unknown delivery as sent."""
    if not actor.has_perm(PUBLISH):
        raise PermissionDenied(_("Only editors can publish to channels."))
    post_url = (post_url or "").strip()
    if post_url and (not is_http_url(post_url) or len(post_url) > Delivery._meta.get_field("post_url").max_length):
        raise ValidationError(_("The post's link must be a web address starting with http:// or https://."))
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != S.UNKNOWN:
        raise ValidationError(_("Only a delivery whose outcome is unknown can be marked as sent."))
    delivery.status, delivery.post_url, delivery.sent_at, delivery.last_error = S.SENT, post_url, timezone.now(), ""
    delivery.save(update_fields=["status", "post_url", "sent_at", "last_error"])
    return delivery


# What a page posts, and queueing it: the channels' signals (on publish) and the publish screen call these.
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
    """Queue the page for the accounts, saying what page_post says."""
    return publish(page=page, accounts=accounts, actor=actor, **page_post(page))


def queue_missed_articles() -> int:
    """Live articles with chosen channels that were never queued (the process died after publishing)."""
    from citydesk.newsroom.models import ArticlePage

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
