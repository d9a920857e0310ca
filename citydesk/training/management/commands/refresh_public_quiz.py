from django.core.management.base import BaseCommand

from citydesk.training.public import refresh


class Command(BaseCommand):
    help = "Generate a new public skills quiz (one exercise of each kind the data allows) from current data."

    def handle(self, *args, **options):
        made = refresh()
        self.stdout.write(f"public exercises: {len(made)}")
