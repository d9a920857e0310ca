"""Assignments: remind 24 h before the deadline, mark overdue ones and remind them once a day."""

from django.core.management.base import BaseCommand

from citydesk.network.services import remind


class Command(BaseCommand):
    help = "Send deadline reminders and mark overdue assignments (the scheduler runs this every minute)."

    def handle(self, *args, **options):
        counts = remind()
        self.stdout.write(
            f"due within 24 h: {counts['soon']}, newly overdue: {counts['overdue']}, "
            f"still overdue: {counts['still_overdue']}"
        )
