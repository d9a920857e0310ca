"""Retention: what citydesk keeps on this host's disk is deleted when it is no longer needed."""

from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def purge_mail_files(*, now: datetime | None = None) -> int:
    """Delete mail files (Django's file backend, embedded mode) older than CITYDESK_MAIL_FILE_DAYS: they
    hold tipsters' addresses and sign-in links. Returns how many were deleted."""
    folder = getattr(settings, "EMAIL_FILE_PATH", "")
    if not folder or not Path(folder).is_dir():
        return 0
    cutoff = ((now or timezone.now()) - timedelta(days=settings.CITYDESK_MAIL_FILE_DAYS)).timestamp()
    deleted = 0
    for path in Path(folder).glob("*.log"):  # the file backend's names; nothing else is touched
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # another host's or process's purge took it first
            continue
    return deleted
