from django.core.management.base import BaseCommand

from citydesk.intake.feeds import poll_due


class Command(BaseCommand):
    help = "Queue a poll of every monitored feed that is due (a job each; items repeating a claim become appearances)."

    def handle(self, *args, **options):
        self.stdout.write(f"{len(poll_due())} feed(s) queued")
