from django.core.management.base import BaseCommand

from citydesk.intake.feeds import poll_due


class Command(BaseCommand):
    help = "Poll the monitored feeds that are due; attach items that repeat a claim as its appearances."

    def handle(self, *args, **options):
        results = poll_due()
        found = sum(result.appearances for result in results)
        self.stdout.write(f"{len(results)} feed(s) polled, {found} appearance(s) found")
