"""The periodic scheduler: scheduled publishing, purges, pending answers to tipsters, feed polling."""

import contextlib
import logging
import time
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from citydesk.ops.models import Heartbeat

log = logging.getLogger("citydesk.scheduler")
SCHEDULER_LOCK = 7_304_551  # pg_advisory_lock key of the shared jobs ("citydesk scheduler")


@contextlib.contextmanager
def shared_jobs_lock():
    """True if this scheduler may run the shared jobs now. On PostgreSQL an advisory lock lets one
    scheduler of many hosts run them per tick (each job is also safe to run twice: they claim their
    rows); SQLite has one host."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SCHEDULER_LOCK])
        leader = cursor.fetchone()[0]
    try:
        yield leader
    finally:
        if leader:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SCHEDULER_LOCK])


class Command(BaseCommand):
    help = "Run periodic jobs (scheduled publishing) every --interval seconds; --once runs them one time."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="Seconds between runs (default 60).")
        parser.add_argument("--once", action="store_true", help="Run the periodic jobs once and exit.")

    def handle(self, *args, interval: int, once: bool, **options):
        if interval < 1:
            self.stderr.write("run_scheduler: --interval must be at least 1 second")
            raise SystemExit(2)
        while True:
            if not connection.in_atomic_block:  # a caller's transaction (tests, --once in a script) stays
                close_old_connections()
            started = time.monotonic()
            try:
                self.run_periodic_jobs()
                Heartbeat.beat("scheduler")  # /readyz and /metrics: the age of the last finished tick
                log.info("tick done in %.1f s", time.monotonic() - started)
            except DatabaseError as error:
                # The database is restarting or unreachable: nothing is lost (every job's state is in
                # the database), so wait for the next tick instead of stopping.
                if not connection.in_atomic_block:
                    connection.close()
                log.warning("database unavailable (%s); next tick", str(error).strip()[:200])
                if once:
                    raise SystemExit(1) from error
            if once:
                return
            time.sleep(interval)

    _last_hourly = None

    def _hourly(self) -> bool:
        hour = time.strftime("%Y%m%d%H")
        if hour == self._last_hourly:
            return False
        self._last_hourly = hour
        return True

    def run_periodic_jobs(self) -> None:
        """Every job that must run on a clock, in one place."""
        # Tips kept on this host's disk while the database was down are stored first (every host).
        call_command("import_spooled_tips", verbosity=0, stdout=StringIO())
        # Mail files are on this host's disk (embedded mode): every host deletes its old ones.
        call_command("purge_expired", "--mail-files", verbosity=0, stdout=StringIO())
        with shared_jobs_lock() as leader:
            if leader:
                self.run_shared_jobs()

    def run_shared_jobs(self) -> None:
        """Jobs on the shared database: one scheduler at a time runs them, whatever the host count."""
        # Wagtail publishes (and unpublishes) pages whose go-live/expiry time has passed.
        call_command("publish_scheduled", verbosity=0)
        # Tipsters' contact data is kept only to reply: erase what has expired.
        call_command("purge_reply_handles", verbosity=0, stdout=StringIO())
        # Used or expired sign-in links, invitations expired long ago, expired sessions.
        call_command("purge_expired", verbosity=0, stdout=StringIO())
        # Tipsters waiting for a published answer (retries after a failed send), then feed monitoring.
        call_command("send_pending_answers", verbosity=0, stdout=StringIO())
        call_command("poll_feeds", verbosity=0, stdout=StringIO())
        # Claims whose reports surge: desk leads are alerted once per surge (admin, e-mail, office chat).
        call_command("detect_surges", verbosity=0, stdout=StringIO())
        # Evidence snapshots that failed, after their pause (the first capture is a job at once).
        call_command("retry_snapshots", verbosity=0, stdout=StringIO())
        # The channels outbox: due deliveries and retries (a job is also queued at each publish).
        call_command("deliver_channels", verbosity=0, stdout=StringIO())
        # Partners' webhooks: retries whose backoff has passed (the first attempt is a job at once).
        call_command("deliver_webhooks", verbosity=0, stdout=StringIO())
        # The contributor network: deadline reminders and overdue marks, then e-mail (one each, or digests).
        call_command("remind_assignments", verbosity=0, stdout=StringIO())
        call_command("remind_training", verbosity=0, stdout=StringIO())  # courses due in two days
        call_command("send_notifications", verbosity=0, stdout=StringIO())
        # Last week's community digest, as a draft for the editors (once per week).
        call_command("assemble_weekly_digest", verbosity=0, stdout=StringIO())
        # Reach from the platforms that report it, once an hour is plenty (figures are per day).
        if self._hourly():
            with contextlib.suppress(SystemExit):  # the platform refused; the next hour tries again
                call_command("import_reach", verbosity=0, stdout=StringIO(), stderr=StringIO())
