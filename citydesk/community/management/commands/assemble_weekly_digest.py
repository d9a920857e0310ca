"""Assemble last week's community digest as a draft for the editors (idempotent: once per week)."""

from django.core.management.base import BaseCommand

from citydesk.community.digest import assemble


class Command(BaseCommand):
    help = "Assemble last week's digest (featured stories, most-read articles) if it does not exist yet."

    def handle(self, *args, **options):
        digest = assemble()
        self.stdout.write(f"digest of the week of {digest.week_start}: {digest.items.count()} items")
