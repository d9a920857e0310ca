"""Surges: a claim whose reports in the last hour far exceed its usual rate. Desk leads are told once
per claim per surge, in the admin (the inbox banner and the dashboard panel), by e-mail and, when the
office's chat id is set, in its own Telegram group. The scheduler checks every minute."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from citydesk.core import roles

from .models import ClaimStatus, ClarificationPage, Report, SurgeAlert, TrendingPin

logger = logging.getLogger(__name__)
WINDOW = timedelta(hours=1)


def surging(*, now: datetime) -> dict[int, tuple[int, float]]:
    """claim id → (reports in the last hour, usual reports per hour) for every claim surging at now."""
    window_start = now - WINDOW
    baseline_hours = settings.CITYDESK_SURGE_BASELINE_HOURS
    rows = (
        Report.objects.filter(received_at__gte=window_start - timedelta(hours=baseline_hours), received_at__lte=now)
        .exclude(claim__status=ClaimStatus.DUPLICATE)
        .values("claim_id")
        .annotate(
            last_hour=Count("pk", filter=Q(received_at__gt=window_start)),
            before=Count("pk", filter=Q(received_at__lte=window_start)),
        )
        .filter(last_hour__gte=settings.CITYDESK_SURGE_MIN_REPORTS)
    )
    found = {}
    for row in rows:
        usual = max(row["before"] / baseline_hours, settings.CITYDESK_SURGE_MIN_RATE)
        if row["last_hour"] >= settings.CITYDESK_SURGE_FACTOR * usual:
            found[row["claim_id"]] = (row["last_hour"], round(usual, 2))
    return found


@transaction.atomic
def surges_detect(*, now: datetime | None = None) -> list[SurgeAlert]:
    """Open an alert for each newly surging claim, close those whose surge has passed; the alerts are
    sent after the commit. Returns the new alerts."""
    now = now or timezone.now()
    found = surging(now=now)
    open_alerts = {alert.claim_id: alert for alert in SurgeAlert.objects.select_for_update().filter(ended_at=None)}
    SurgeAlert.objects.filter(pk__in=[a.pk for cid, a in open_alerts.items() if cid not in found]).update(ended_at=now)
    new = []
    for claim_id, (last_hour, usual) in found.items():
        if claim_id in open_alerts:
            continue  # the same surge: already told
        alert = SurgeAlert(claim_id=claim_id, started_at=now, reports_last_hour=last_hour, usual_per_hour=usual)
        alert.save()
        new.append(alert)
    if settings.CITYDESK_TRENDING_AUTO_PIN:
        for alert in new:
            page = ClarificationPage.objects.live().filter(claim_id=alert.claim_id).first()
            if page is not None:
                TrendingPin.objects.get_or_create(page=page)
    transaction.on_commit(send_pending_alerts)
    return new


def open_alerts():
    """Surges going on now, newest first, with their claim (and its clarification page if published)."""
    return SurgeAlert.objects.filter(ended_at=None).select_related("claim", "claim__clarification_page")


def _leads():
    return get_user_model().objects.filter(groups__name=roles.DESK_LEAD, is_active=True).exclude(email="").distinct()


def _text(alert: SurgeAlert) -> str:
    with override(settings.LANGUAGE_CODE):
        return _(
            "Surge on claim #%(pk)d: %(count)d reports in the last hour (usually %(usual)s per hour). "
            "%(statement)s\n%(url)s"
        ) % {
            "pk": alert.claim_id,
            "count": alert.reports_last_hour,
            "usual": f"{alert.usual_per_hour:g}",
            "statement": alert.claim.statement[:300],
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + f"/admin/desk/claims/{alert.claim_id}/",
        }


def send_pending_alerts() -> int:
    """E-mail the desk leads and post to the office's Telegram group, each alert once (claimed first,
    so two schedulers never send it twice; a failed Telegram post is retried by the next sweep)."""
    sent = 0
    for alert in SurgeAlert.objects.filter(emailed_at=None).select_related("claim"):
        if not SurgeAlert.objects.filter(pk=alert.pk, emailed_at=None).update(emailed_at=timezone.now()):
            continue
        with override(settings.LANGUAGE_CODE):
            subject = _("Surge on claim #%(pk)d") % {"pk": alert.claim_id}
        for lead in _leads():
            send_mail(subject, _text(alert), None, [lead.email], fail_silently=True)
        sent += 1
    if settings.CITYDESK_OFFICE_TELEGRAM_CHAT_ID and settings.CITYDESK_TELEGRAM_BOT_TOKEN:
        from citydesk.intake.telegram import TelegramBot, TelegramError

        bot = TelegramBot(settings.CITYDESK_TELEGRAM_BOT_TOKEN, settings.CITYDESK_TELEGRAM_API_URL)
        for alert in SurgeAlert.objects.filter(telegram_sent_at=None).select_related("claim"):
            unsent = SurgeAlert.objects.filter(pk=alert.pk, telegram_sent_at=None)
            if not unsent.update(telegram_sent_at=timezone.now()):
                continue
            try:
                bot.send_message(settings.CITYDESK_OFFICE_TELEGRAM_CHAT_ID, _text(alert))
            except TelegramError as error:
                logger.warning("surge alert %s not posted to the office group: %s", alert.pk, error)
                SurgeAlert.objects.filter(pk=alert.pk).update(telegram_sent_at=None)
    return sent
