"""E-mail the contributor network's notifications: one each, and the daily digests when due."""

from django.core.management.base import BaseCommand

from citydesk.network.notifications import send_digests, send_emails


class Command(BaseCommand):
    help = "Send pending notification e-mails and, after CITYDESK_DIGEST_HOUR, the daily digests."

    def handle(self, *args, **options):
        self.stdout.write(f"e-mails: {send_emails()}, digests: {send_digests()}")
