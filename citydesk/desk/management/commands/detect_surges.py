"""Open (and send) an alert for each claim whose reports surge; close the alerts of surges that passed."""

from django.core.management.base import BaseCommand

from citydesk.desk.surge import send_pending_alerts, surges_detect


class Command(BaseCommand):
    help = "Check the surge rule for every claim; alert desk leads once per claim per surge."

    def handle(self, *args, **options):
        new = surges_detect()
        send_pending_alerts()  # alerts a failed sweep left unsent
        self.stdout.write(f"new surges: {len(new)}")
