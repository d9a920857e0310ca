"""Tips keep arriving when the database does not answer (restart, failover, outage): the web form and
the webhooks write them to a spool folder on disk, and the scheduler stores them once it is back.

Each tip is one JSON file (plus the cleaned image, if any), written to a temporary name and renamed,
so a half-written tip is never read. A stored tip's files are deleted, contact data with them.
"""

import json
import logging
import os
import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.utils import timezone

log = logging.getLogger(__name__)


def folder() -> Path:
    path = Path(settings.CITYDESK_SPOOL_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write(name: str, data: bytes) -> None:
    target = folder() / name
    partial = target.with_suffix(target.suffix + ".part")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)


def spool_web_tip(*, text: str, url: str, image: ContentFile | None, reply_handle: str) -> str:
    """Keep a web-form tip on disk; returns its name."""
    name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    record = {"kind": "web", "text": text, "url": url, "reply_handle": reply_handle, "image": None}
    if image is not None:
        record["image"] = f"{name}.img"
        _write(record["image"], image.read())
    record["received_at"] = timezone.now().isoformat()
    _write(f"{name}.json", json.dumps(record, ensure_ascii=False).encode())
    return name


def spool_webhook(*, platform: str, body: bytes) -> str:
    """Keep an authenticated webhook update (Telegram, Zalo) to run through the tipline later."""
    name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    record = {"kind": platform, "body": body.decode("utf-8"), "received_at": timezone.now().isoformat()}
    _write(f"{name}.json", json.dumps(record, ensure_ascii=False).encode())
    return name


def pending() -> list[Path]:
    return sorted(folder().glob("*.json"))


def import_spooled(*, replay_webhook=None) -> int:
    """Store every spooled tip, oldest first; stops at the first database error (still down)."""
    from citydesk.desk.models import Channel

    from . import answers

    stored = 0
    for path in pending():
        record = json.loads(path.read_text(encoding="utf-8"))
        received_at = datetime.fromisoformat(record["received_at"])
        try:
            if record["kind"] == "web":
                image = None
                if record["image"]:
                    image = ContentFile((path.parent / record["image"]).read_bytes(), name="tip.jpg")
                answers.take_tip(
                    channel=Channel.WEB,
                    text=record["text"],
                    url=record["url"],
                    image=image,
                    reply_handle=record["reply_handle"],
                    received_at=received_at,
                )
            elif replay_webhook is not None:
                replay_webhook(record["kind"], record["body"].encode("utf-8"))
            else:
                continue
        except DatabaseError:
            log.warning("spooled tips wait: the database does not answer yet")
            break
        if record.get("image"):
            (path.parent / record["image"]).unlink(missing_ok=True)
        path.unlink()
        stored += 1
    return stored
