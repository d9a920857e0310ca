"""Erase tipsters' reply handles once they have expired (data minimisation)."""

from django.core.management.base import BaseCommand

from citydesk.desk.services import reply_handles_purge


class Command(BaseCommand):
    help = "Erase reply handles (chat ids, e-mail addresses) of reports past their expiry."

    def handle(self, *args, **options):
        erased = reply_handles_purge()
        self.stdout.write(f"purged: {erased}")
