"""Store the tips kept on disk while the database did not answer (the scheduler runs this each minute)."""

from django.core.management.base import BaseCommand

from citydesk.intake import spool
from citydesk.intake.views import run_tipline


class Command(BaseCommand):
    help = "Store spooled tips (web form and chat tiplines) once the database answers again."

    def handle(self, *args, **options):
        stored = spool.import_spooled(replay_webhook=run_tipline)
        self.stdout.write(f"stored: {stored}, waiting: {len(spool.pending())}")
