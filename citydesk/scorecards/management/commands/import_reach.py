from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from citydesk.scorecards.insights import InsightsError, import_reach


class Command(BaseCommand):
    help = "Import daily reach from the platforms that report it (Facebook Page insights) for the last --days days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3)

    def handle(self, *args, days: int, **options):
        today = timezone.localdate()
        try:
            stored = import_reach(today - timedelta(days=days), today - timedelta(days=1))
        except InsightsError as error:
            self.stderr.write(f"import_reach: {error}")
            raise SystemExit(1) from None
        self.stdout.write(f"{stored} day(s) of reach stored")
