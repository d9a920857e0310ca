"""Feed monitoring: public RSS/Atom feeds of news sites and official pages, polled on a schedule.

An item that repeats an open or published claim is attached to it as an appearance (ClaimReview's
"appearance"); every other item is dropped, not stored. Personal social-media accounts are never
monitored: the office follows claims, not people.
"""

import calendar
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message

import feedparser
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django_tasks import task

from citydesk.core import fetch as guarded
from citydesk.desk import services as desk
from citydesk.desk.matcher import matcher
from citydesk.desk.models import ClaimStatus

from .models import FeedSource

log = logging.getLogger(__name__)
MAX_FEED_BYTES = 5 * 1024 * 1024
WATCHED = (ClaimStatus.NEW, ClaimStatus.IN_VERIFICATION, ClaimStatus.AWAITING_APPROVAL, ClaimStatus.PUBLISHED)


class NotAFeed(Exception):
    def describe(self) -> str:
        return _("Not an RSS or Atom feed.")


@dataclass(frozen=True)
class PollResult:
    items: int
    appearances: int
    not_modified: bool = False


def _entry_time(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC) if parsed else None


def _entry_texts(entry) -> list[str]:
    title = strip_tags(entry.get("title", "")).strip()
    summary = strip_tags(entry.get("summary", "")).strip()
    texts = [t for t in (title, summary, f"{title}. {summary}" if title and summary else "") if t]
    return [t[:2000] for t in texts]


def matching_claim(texts: list[str]):
    """The watched claim an item repeats (sure match on its title, its summary or both), or None."""
    for text in texts:
        if len(text.split()) < settings.CITYDESK_MATCH_MIN_WORDS:
            continue
        for match in matcher.candidates(text, limit=3):
            if match.claim.status not in WATCHED or match.score < settings.CITYDESK_MATCH_JOIN:
                continue
            if match.repeats(text):
                return match.claim
    return None


def fetch(source: FeedSource) -> tuple[bytes | None, Message]:
    """The feed body (None when not modified since the last poll) and the response headers, through
    the SSRF guard (public http(s) only, redirects checked, one deadline for the whole download)."""
    headers = {"User-Agent": "citydesk feed monitor", "Accept": "application/rss+xml, application/atom+xml, */*"}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.modified:
        headers["If-Modified-Since"] = source.modified
    response = guarded.fetch(
        source.url,
        headers=headers,
        max_bytes=MAX_FEED_BYTES,
        deadline_seconds=settings.CITYDESK_FEED_DEADLINE_SECONDS,
    )
    return (None if response.status == 304 else response.body), response.headers


def poll(source: FeedSource, *, now: datetime | None = None) -> PollResult:
    """Read the feed once; attach matching items to their claims. Errors are kept on the source."""
    now = now or timezone.now()
    source.last_polled_at = now
    try:
        body, headers = fetch(source)
        if body is None:
            source.last_error = ""
            source.save(update_fields=["last_polled_at", "last_error"])
            return PollResult(0, 0, not_modified=True)
        parsed = feedparser.parse(body)
        if not parsed.entries and (parsed.bozo or not parsed.get("version")):
            raise NotAFeed
    except (guarded.FetchError, NotAFeed) as error:
        # A category only: the socket's own message would tell an open port from a closed one.
        source.last_error = error.describe()
        source.save(update_fields=["last_polled_at", "last_error"])
        log.warning("Feed %s not polled: %s", source.pk, source.last_error)
        return PollResult(0, 0)
    newest, items, found = source.last_entry_at, 0, 0
    for entry in parsed.entries:
        link, when = entry.get("link", ""), _entry_time(entry)
        if not link.startswith(("http://", "https://")):
            continue
        if when and source.last_entry_at and when <= source.last_entry_at:
            continue  # seen in an earlier poll
        items += 1
        newest = max(filter(None, [newest, when]), default=None)
        claim = matching_claim(_entry_texts(entry))
        if claim is not None and desk.appearance_record(
            claim=claim,
            url=link,
            title=strip_tags(entry.get("title", "")),
            source_name=source.name,
            published_at=when,
        ):
            found += 1
    source.etag, source.modified = headers.get("ETag", "")[:300], headers.get("Last-Modified", "")[:100]
    source.last_entry_at, source.last_error = newest, ""
    source.save(update_fields=["last_polled_at", "last_entry_at", "last_error", "etag", "modified"])
    FeedSource.objects.filter(pk=source.pk).update(appearances_found=F("appearances_found") + found)
    return PollResult(items, found)


@task()
def poll_feed_task(source_id: int) -> None:
    """One feed's poll, as a job: a slow feed holds a worker until its deadline, never the scheduler."""
    source = FeedSource.objects.filter(pk=source_id, is_active=True).first()
    if source is not None:
        poll(source)


def poll_due(*, now: datetime | None = None) -> list[int]:
    """Queue a poll of every active source whose interval has passed; returns their ids.

    A source is claimed (its last poll time set) as it is queued, so a source whose job has not run
    yet, or whose feed is slow, is not queued again before its interval passes."""
    now = now or timezone.now()
    queued = []
    for source in FeedSource.objects.filter(is_active=True).filter(
        Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=now - timedelta(minutes=1))
    ):
        if source.last_polled_at and source.last_polled_at > now - timedelta(minutes=source.interval_minutes):
            continue
        claimed = FeedSource.objects.filter(pk=source.pk, last_polled_at=source.last_polled_at).update(
            last_polled_at=now
        )
        if claimed:
            queued.append(source.pk)
            poll_feed_task.enqueue(source.pk)
    return queued
