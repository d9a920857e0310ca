"""Delete what is kept only for a while: used or expired sign-in links, invitations long expired,
expired sessions, and (with --mail-files) old mail files on this host."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from citydesk.community.services import purge_sign_in_links
from citydesk.core.retention import purge_mail_files
from citydesk.network.services import purge_expired_invitations


class Command(BaseCommand):
    help = "Purge used or expired sign-in links, invitations expired long ago and expired sessions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--mail-files",
            action="store_true",
            help="Only delete this host's mail files older than CITYDESK_MAIL_FILE_DAYS.",
        )

    def handle(self, *args, mail_files: bool, **options):
        if mail_files:
            self.stdout.write(f"mail files: {purge_mail_files()}")
            return
        self.stdout.write(f"sign-in links: {purge_sign_in_links()}")
        self.stdout.write(f"invitations: {purge_expired_invitations()}")
        call_command("clearsessions")
