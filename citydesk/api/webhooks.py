"""Outgoing webhooks: an event becomes one delivery per subscribed endpoint, sent signed by a job.

Signature: X-Citydesk-Timestamp is the Unix time of the attempt; X-Citydesk-Signature is
`sha256=` + hex HMAC-SHA256(secret, f"{timestamp}.{body}"). A receiver recomputes it and refuses
timestamps older than a few minutes. Only public http(s) addresses are reached (core.fetch, checked
again at every attempt, redirects not followed). Failures are retried with exponential backoff;
after CITYDESK_WEBHOOK_MAX_FAILURES failures in a row the endpoint is switched off and the key's
contact is e-mailed.
"""

import hashlib
import hmac
import json
import logging
import random
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from citydesk.core import fetch, secrets

from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8  # per delivery; the endpoint is switched off sooner if it keeps failing
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff(attempts: int) -> timedelta:
    """Full jitter, doubling from 30 s, capped at an hour (as the channels outbox)."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 (jitter, not a secret)


def _clarification_payload(claim_id: int) -> dict | None:
    from . import representations as rep

    page = rep.clarifications().filter(claim_id=claim_id).first()
    if page is None:
        return None
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    request = RequestFactory().get("/", HTTP_HOST=base.split("://", 1)[-1], secure=base.startswith("https"))
    return rep.clarification(page, request)


def event_enqueue(*, event: str, data: dict) -> list[WebhookDelivery]:
    """One delivery per active endpoint subscribed to event (of a usable key), each sent by a job."""
    body = json.dumps(
        {"event": event, "created_at": timezone.now(), "data": data}, cls=DjangoJSONEncoder, ensure_ascii=False
    )
    now = timezone.now()
    endpoints = WebhookEndpoint.objects.filter(is_active=True, key__revoked_at__isnull=True).filter(
        Q(key__expires_at__isnull=True) | Q(key__expires_at__gt=now)
    )
    deliveries = [
        WebhookDelivery.objects.create(endpoint=endpoint, event=event, body=body)
        for endpoint in endpoints
        if event in endpoint.events
    ]
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: deliver_webhook_task.enqueue(pk))
    return deliveries


def on_clarification_published(sender, claim_id: int, **kwargs) -> None:
    """desk.signals.clarification_published: published for the first time, or again after a correction."""
    data = _clarification_payload(claim_id)
    if data is None:
        return
    event = WebhookEvent.CORRECTED if data["corrections"] else WebhookEvent.PUBLISHED
    event_enqueue(event=event, data=data)


def _claim(delivery_id: int, now) -> WebhookDelivery | None:
    """Take a due delivery for this worker (compare-and-set), so two workers never send it twice."""
    taken = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED],
        next_attempt_at__lte=now,
        endpoint__is_active=True,
    ).update(status=WebhookDelivery.Status.SENDING)
    return WebhookDelivery.objects.select_related("endpoint__key").get(pk=delivery_id) if taken else None


def deliver(delivery_id: int, *, now=None) -> str | None:
    """Send one due delivery; returns its new status (None when it was not due or not ours)."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    status_code, error = None, ""
    try:
        secret = secrets.decrypt(endpoint.secret_encrypted, owner=endpoint.secrets_owner)
        response = fetch.post(
            endpoint.url,
            body=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "citydesk-webhooks/1",
                "X-Citydesk-Event": delivery.event,
                "X-Citydesk-Delivery": str(delivery.public_id),
                "X-Citydesk-Timestamp": timestamp,
                "X-Citydesk-Signature": sign(secret, timestamp, body),
            },
            deadline_seconds=settings.CITYDESK_WEBHOOK_TIMEOUT,
        )
        status_code = response.status
        ok = 200 <= response.status < 300
        error = "" if ok else f"http {response.status}"
    except fetch.FetchError as failure:
        ok, error = False, failure.category
    except secrets.SecretUnreadable:
        ok, error = False, "secret_unreadable"
    return _record(delivery, ok=ok, status_code=status_code, error=error, now=now)


def _record(delivery: WebhookDelivery, *, ok: bool, status_code, error: str, now) -> str:
    endpoint = delivery.endpoint
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error = status_code, error[:40]
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if ok:
            delivery.status, delivery.delivered_at = WebhookDelivery.Status.SENT, now
            locked.consecutive_failures = 0
        else:
            locked.consecutive_failures += 1
            give_up = delivery.attempts >= MAX_ATTEMPTS or error == fetch.FetchError.BLOCKED
            delivery.status = WebhookDelivery.Status.GAVE_UP if give_up else WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        disable = not ok and locked.consecutive_failures >= settings.CITYDESK_WEBHOOK_MAX_FAILURES
        if disable and locked.is_active:
            locked.is_active, locked.disabled_at = False, now
            transaction.on_commit(lambda: _tell_owner(locked))
        locked.save(update_fields=["consecutive_failures", "is_active", "disabled_at"])
        delivery.save(
            update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"]
        )
    log.info("webhook %s to endpoint %s: %s %s", delivery.event, endpoint.pk, delivery.status, error)
    if delivery.status == WebhookDelivery.Status.FAILED and locked.is_active and default_task_backend.supports_defer:
        deliver_webhook_task.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return delivery.status


def _tell_owner(endpoint: WebhookEndpoint) -> None:
    key = endpoint.key
    with translation.override("vi"):
        subject = _("Webhook switched off: %(url)s") % {"url": endpoint.url}
        message = _(
            "The webhook %(url)s of the API key “%(key)s” failed %(count)d times in a row and has been switched "
            "off. Check the address, then register it again."
        ) % {"url": endpoint.url, "key": key.name, "count": endpoint.consecutive_failures}
    send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [key.contact_email], fail_silently=True)


@task()
def deliver_webhook_task(delivery_id: int) -> None:
    deliver(delivery_id)


def deliver_due(*, now=None) -> int:
    """Send every delivery whose retry time has come (the scheduler runs this each minute)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED],
        next_attempt_at__lte=now,
        endpoint__is_active=True,
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(due[:500]) if deliver(pk, now=now))
