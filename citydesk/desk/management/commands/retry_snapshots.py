"""Capture again the evidence snapshots that failed (after their pause) or whose job never ran."""

from django.core.management.base import BaseCommand

from citydesk.desk.snapshots import retry_failed


class Command(BaseCommand):
    help = "Retry failed evidence snapshots whose pause is over (at most 5 attempts each)."

    def handle(self, *args, **options):
        self.stdout.write(f"snapshots tried: {retry_failed()}")
