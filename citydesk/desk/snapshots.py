"""Evidence snapshots: adding a source captures it in the background, so the clarification keeps what the
source said even when the page changes or disappears.

The worker downloads the address through `core.fetch` (public http(s) only, every redirect checked, one
deadline), keeps the HTTP status, final address, time, the SHA-256 of the bytes received, the page's main
text (trafilatura) and the raw HTML cut at `CITYDESK_SNAPSHOT_MAX_BYTES`, in the private storage (as report
images: never under /media/). A failure is recorded by category and retried by the scheduler with a
growing pause, up to MAX_ATTEMPTS; a blocked address is not retried. Nothing here blocks publishing: the
verdict's checks never look at snapshots.

With `CITYDESK_WEB_ARCHIVE_URL` set (off by default) the address is also submitted to a public web archive
("Save Page Now" style: GET <archive URL><address>), and the archived copy's address is kept.

Public "bản lưu": the clarification shows when each source was captured and the hash, and links the
public archive's copy when there is one; the captured text itself stays staff-only (see
docs/architecture.md, "Evidence snapshots").
"""

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from citydesk.core import fetch

from .models import Evidence, EvidenceSnapshot

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
MAX_TEXT_CHARS = 100_000
RETRY_BASE = timedelta(minutes=5)  # then 10, 20, 40 minutes


def request(evidence: Evidence) -> EvidenceSnapshot:
    """Ask for a capture of this source (after the transaction commits, by the worker)."""
    snapshot, _created = EvidenceSnapshot.objects.get_or_create(evidence=evidence)
    evidence_id = evidence.pk
    transaction.on_commit(lambda: capture_task.enqueue(evidence_id))
    return snapshot


def main_text(html: bytes, url: str) -> str:
    """The page's main text (trafilatura), or "" when it finds none."""
    import trafilatura

    text = trafilatura.extract(html.decode("utf-8", errors="replace"), url=url, favor_recall=True)
    return (text or "")[:MAX_TEXT_CHARS]


def _archive(url: str) -> str:
    """The public web archive's copy of url, when the setting asks for one ("" otherwise or on failure)."""
    archive = settings.CITYDESK_WEB_ARCHIVE_URL
    if not archive:
        return ""
    try:
        return fetch.final_url(archive + url, deadline_seconds=settings.CITYDESK_SNAPSHOT_DEADLINE_SECONDS)
    except fetch.FetchError as error:
        log.warning("Web archive submission of evidence failed: %s", error.category)
        return ""


def capture(snapshot: EvidenceSnapshot, *, now: datetime | None = None) -> EvidenceSnapshot:
    """Download the source once and record the result (a success, or a failure with its next retry)."""
    now = now or timezone.now()
    url = snapshot.evidence.url
    snapshot.attempts += 1
    try:
        fetched = fetch.fetch(
            url,
            max_bytes=settings.CITYDESK_SNAPSHOT_MAX_BYTES,
            deadline_seconds=settings.CITYDESK_SNAPSHOT_DEADLINE_SECONDS,
            headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
            cut=True,
        )
    except fetch.FetchError as error:
        snapshot.state, snapshot.error = EvidenceSnapshot.State.FAILED, error.category
        snapshot.http_status = error.status
        retry = error.category != fetch.FetchError.BLOCKED and snapshot.attempts < MAX_ATTEMPTS
        snapshot.next_attempt_at = now + RETRY_BASE * 2 ** (snapshot.attempts - 1) if retry else None
        snapshot.save()
        return snapshot
    if snapshot.html:
        snapshot.html.delete(save=False)
    snapshot.html.save(f"{snapshot.evidence_id}.html", ContentFile(fetched.body), save=False)
    snapshot.state, snapshot.error, snapshot.next_attempt_at = EvidenceSnapshot.State.CAPTURED, "", None
    snapshot.http_status, snapshot.final_url, snapshot.captured_at = fetched.status, fetched.url[:1000], now
    snapshot.sha256 = hashlib.sha256(fetched.body).hexdigest()
    snapshot.html_size, snapshot.truncated = len(fetched.body), fetched.truncated
    content_type = (fetched.headers.get("Content-Type") or "").lower()
    is_text = content_type.startswith("text/plain")
    body_text = fetched.body.decode("utf-8", "replace")[:MAX_TEXT_CHARS] if is_text else ""
    snapshot.text = body_text or main_text(fetched.body, url)
    snapshot.archive_url = _archive(url)[:1000] or snapshot.archive_url
    snapshot.save()
    return snapshot


@task()
def capture_task(evidence_id: int) -> str:
    snapshot = EvidenceSnapshot.objects.filter(evidence_id=evidence_id).select_related("evidence").first()
    if snapshot is None or snapshot.state == EvidenceSnapshot.State.CAPTURED:
        return "nothing"
    return capture(snapshot).state


def retry_failed(*, now: datetime | None = None) -> int:
    """The scheduler's sweep: failed captures whose pause is over, and requests whose job never ran."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=10)
    due = EvidenceSnapshot.objects.filter(
        Q(state=EvidenceSnapshot.State.FAILED, next_attempt_at__lte=now)
        | Q(state=EvidenceSnapshot.State.PENDING, attempts=0, evidence__added_at__lt=stale)
    ).select_related("evidence")
    done = 0
    for snapshot in list(due[:100]):
        capture(snapshot, now=now)
        done += 1
    return done


def retry_now(snapshot: EvidenceSnapshot) -> None:
    """A person pressed "capture again": queue it at once (a blocked address stays blocked)."""
    EvidenceSnapshot.objects.filter(pk=snapshot.pk).update(next_attempt_at=timezone.now())
    evidence_id = snapshot.evidence_id
    transaction.on_commit(lambda: capture_task.enqueue(evidence_id))
