from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from citydesk.intake.answers import deliver_pending_answers
from citydesk.intake.models import InboundUpdate
from citydesk.intake.tipline import process_unfinished

INBOUND_IDS_KEPT = timedelta(days=7)  # platforms re-deliver for hours, not days


class Command(BaseCommand):
    help = (
        "Finish chat messages whose job never ran or whose worker died, send published answers to tipsters "
        "still waiting (retries), and forget old platform message ids."
    )

    def handle(self, *args, **options):
        resumed = process_unfinished()
        sent, failed = deliver_pending_answers()
        # Never forget an id while a signed re-delivery of it could still be accepted (the Zalo window).
        kept = max(INBOUND_IDS_KEPT, 2 * timedelta(seconds=settings.CITYDESK_ZALO_EVENT_MAX_AGE_SECONDS))
        InboundUpdate.objects.filter(received_at__lt=timezone.now() - kept, state=InboundUpdate.State.DONE).delete()
        self.stdout.write(f"{resumed} chat message(s) resumed, {sent} answer(s) sent, {failed} failed")
