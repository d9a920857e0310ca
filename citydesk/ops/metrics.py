"""Prometheus metrics. Two kinds, so the figures are right with several web processes and workers:

- per request (counts and latencies by view): counted in each web process; with several processes
  PROMETHEUS_MULTIPROC_DIR names a folder they share (prometheus-client's multiprocess mode), and any
  process's /metrics adds them all up;
- the office's work (tips, claims, SLA, deliveries, jobs, scheduler, spool, disk): read from the
  database and the disk at scrape time, so every process answers the same figures.
"""

import os

from django.db import DatabaseError
from django.db.models import Count, F, Q
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from . import health


class OfficeCollector:
    """Figures read from the database and the disk when Prometheus scrapes."""

    def collect(self):
        try:
            yield from self._from_database()
        except DatabaseError:
            up = GaugeMetricFamily("citydesk_database_up", "1 when the database answered this scrape")
            up.add_metric([], 0)
            yield up
            return
        spool = GaugeMetricFamily("citydesk_tip_spool_files", "Tips waiting on disk for the database")
        spool.add_metric([], health.spool_size())
        yield spool
        disk = GaugeMetricFamily("citydesk_disk_free_bytes", "Least free space where citydesk writes files")
        disk.add_metric([], health.free_bytes())
        yield disk

    def _from_database(self):
        from citydesk.channels.models import Delivery
        from citydesk.desk import sla
        from citydesk.desk.models import Claim, Report

        from .models import Heartbeat

        rows = Report.objects.values("channel").annotate(
            received=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
        )
        received = CounterMetricFamily(
            "citydesk_tips_received", "Tips (reports) received, by channel", labels=["channel"]
        )
        answered = CounterMetricFamily(
            "citydesk_tips_answered", "Tips answered to the tipster, by channel", labels=["channel"]
        )
        for row in rows.order_by("channel"):
            received.add_metric([row["channel"]], row["received"])
            answered.add_metric([row["channel"]], row["answered"])
        claims = GaugeMetricFamily("citydesk_claims", "Claims by status", labels=["status"])
        counts = dict(Claim.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in Claim._meta.get_field("status").choices:
            claims.add_metric([status[0]], counts.get(status[0], 0))
        now = timezone.now()
        timed = sla.with_sla(Claim.objects.all()).filter(sla_due_at__isnull=False)
        overdue = GaugeMetricFamily(
            "citydesk_sla_overdue_claims", "Claims past their first-response target with no response yet"
        )
        overdue.add_metric([], timed.filter(first_response_at__isnull=True, sla_due_at__lt=now).count())
        missed = CounterMetricFamily("citydesk_sla_missed", "Claims whose first response came after the target")
        missed.add_metric([], timed.filter(first_response_at__gt=F("sla_due_at")).count())
        deliveries = GaugeMetricFamily("citydesk_channel_deliveries", "Channel deliveries by state", labels=["state"])
        states = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for state, _label in Delivery.Status.choices:
            deliveries.add_metric([state], states.get(state, 0))
        depth, age = health.queue_figures()
        queue = GaugeMetricFamily("citydesk_job_queue_depth", "Jobs waiting to run now")
        queue.add_metric([], depth)
        oldest = GaugeMetricFamily("citydesk_job_queue_oldest_seconds", "Age of the oldest job waiting to run")
        oldest.add_metric([], round(age, 1))
        tick = Heartbeat.objects.filter(name="scheduler").values_list("at", flat=True).first()
        scheduler = GaugeMetricFamily(
            "citydesk_scheduler_last_tick_age_seconds", "Seconds since the scheduler's last tick (-1: never)"
        )
        scheduler.add_metric([], round((now - tick).total_seconds(), 1) if tick else -1)
        up = GaugeMetricFamily("citydesk_database_up", "1 when the database answered this scrape")
        up.add_metric([], 1)
        yield from (up, received, answered, claims, overdue, missed, deliveries, queue, oldest, scheduler)


def exposition() -> bytes:
    """The text Prometheus reads: request figures (all processes') then the office's figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    office = CollectorRegistry(auto_describe=False)
    office.register(OfficeCollector())
    return generate_latest(requests) + generate_latest(office)
