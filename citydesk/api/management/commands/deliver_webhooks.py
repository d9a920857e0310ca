from django.core.management.base import BaseCommand

from citydesk.api.webhooks import deliver_due


class Command(BaseCommand):
    help = "Send partners' webhook deliveries that are due (retries with backoff)."

    def handle(self, *args, **options):
        sent = deliver_due()
        if options["verbosity"]:
            self.stdout.write(f"webhook deliveries attempted: {sent}")
