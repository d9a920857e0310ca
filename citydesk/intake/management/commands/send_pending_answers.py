from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from citydesk.intake.answers import deliver_pending_answers
from citydesk.intake.models import InboundUpdate

INBOUND_IDS_KEPT = timedelta(days=7)  # platforms re-deliver for hours, not days


class Command(BaseCommand):
    help = "Send published answers to tipsters still waiting (retries), and forget old platform message ids."

    def handle(self, *args, **options):
        sent, failed = deliver_pending_answers()
        InboundUpdate.objects.filter(received_at__lt=timezone.now() - INBOUND_IDS_KEPT).delete()
        self.stdout.write(f"{sent} answer(s) sent, {failed} failed")
