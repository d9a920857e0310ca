"""Readiness: each part citydesk needs to do its work, measured now, against a limit from the settings.

Each check returns a Check; /readyz is ready when every check is ok. The figures are the same ones
/metrics exports, so an alert and the runbook (docs/production.md) name the same field.
"""

import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.utils import timezone

CHECKS = []


@dataclass
class Check:
    name: str
    ok: bool
    value: float | int | None = None  # the measure (seconds, count, bytes); None when it could not be read
    limit: float | int | None = None
    error: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        shown = {"ok": self.ok, "value": self.value, "limit": self.limit, "error": self.error, **self.extra}
        return {key: value for key, value in shown.items() if value not in ("", None)}


def check(function):
    CHECKS.append(function)
    return function


def _error(error: Exception) -> str:
    # The class only: a database error's text can hold a host name or a user name.
    return type(error).__name__


@check
def database() -> Check:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check("database", False, error=_error(error))
    return Check("database", True, value=round(time.monotonic() - started, 4))


@check
def cache() -> Check:
    key = f"citydesk:readyz:{uuid.uuid4().hex}"
    try:
        store = caches["default"]
        store.set(key, "1", 30)
        ok = store.get(key) == "1"
        store.delete(key)
    except Exception as error:  # any backend's failure (Redis, database) is "not ready"
        return Check("cache", False, error=_error(error))
    return Check("cache", ok, error="" if ok else "value not read back")


@check
def scheduler() -> Check:
    """Seconds since the scheduler's last tick (any host's)."""
    from .models import Heartbeat

    limit = settings.CITYDESK_READY_SCHEDULER_MAX_AGE
    try:
        at = Heartbeat.objects.filter(name="scheduler").values_list("at", flat=True).first()
    except DatabaseError as error:
        return Check("scheduler", False, limit=limit, error=_error(error))
    if at is None:
        return Check("scheduler", False, limit=limit, error="never ticked")
    age = max(0, round((timezone.now() - at).total_seconds()))
    return Check("scheduler", age <= limit, value=age, limit=limit)


def queue_figures() -> tuple[int, float]:
    """Jobs waiting to run now, and the age in seconds of the oldest of them."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return waiting.count(), max(0.0, age)


@check
def job_queue() -> Check:
    limit = settings.CITYDESK_READY_QUEUE_MAX_AGE
    try:
        depth, age = queue_figures()
    except DatabaseError as error:
        return Check("job_queue", False, limit=limit, error=_error(error))
    return Check("job_queue", age <= limit, value=round(age), limit=limit, extra={"depth": depth})


def spool_size() -> int:
    folder = Path(settings.CITYDESK_SPOOL_DIR)
    return sum(1 for _ in folder.glob("*.json")) if folder.is_dir() else 0


@check
def tip_spool() -> Check:
    """Tips kept on disk while the database did not answer; the scheduler stores them."""
    limit = settings.CITYDESK_READY_SPOOL_MAX
    size = spool_size()
    return Check("tip_spool", size <= limit, value=size, limit=limit)


def unknown_deliveries() -> int:
    from citydesk.channels.models import Delivery

    return Delivery.objects.filter(status=Delivery.Status.UNKNOWN).count()


@check
def deliveries_unknown() -> Check:
    """Channel posts whose outcome is unknown (the connection broke after sending): a person checks them."""
    limit = settings.CITYDESK_READY_UNKNOWN_DELIVERIES_MAX
    try:
        count = unknown_deliveries()
    except DatabaseError as error:
        return Check("deliveries_unknown", False, limit=limit, error=_error(error))
    return Check("deliveries_unknown", count <= limit, value=count, limit=limit)


def watched_folders() -> list[Path]:
    """Where citydesk writes: the SQLite file's folder, media, private files, the spool."""
    folders = [Path(settings.MEDIA_ROOT), Path(settings.CITYDESK_SPOOL_DIR)]
    private = settings.STORAGES.get("private", {}).get("OPTIONS", {}).get("location")
    if private:
        folders.append(Path(private))
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] not in ("", ":memory:"):
        folders.append(Path(connection.settings_dict["NAME"]).parent)
    return folders


def free_bytes() -> int:
    """The least free space among the file systems citydesk writes to (the nearest existing folder of each)."""
    least = None
    for folder in watched_folders():
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        free = shutil.disk_usage(folder).free
        least = free if least is None else min(least, free)
    return least or 0


@check
def disk() -> Check:
    limit = settings.CITYDESK_READY_MIN_FREE_MB * 1024 * 1024
    free = free_bytes()
    return Check("disk_free_bytes", free >= limit, value=free, limit=limit)


def readiness() -> tuple[bool, dict]:
    """(ready, {check name: details}) with every check run, the database's first."""
    results = [function() for function in CHECKS]
    details = {result.name: result.as_dict() for result in results}
    return all(result.ok for result in results), details
