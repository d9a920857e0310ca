from django.core.management.base import BaseCommand

from citydesk.channels.services import deliver_due


class Command(BaseCommand):
    help = "Send the channel deliveries that are due (retries included) and settle stale or unknown ones."

    def handle(self, *args, **options):
        self.stdout.write(f"{deliver_due()} delivery(ies) attempted")
