"""Re-encrypt every stored secret with the first key of CITYDESK_SECRETS_KEYS (after adding a new key)."""

from django.core.management.base import BaseCommand, CommandError

from citydesk.core import secrets


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored platform token with the first key of CITYDESK_SECRETS_KEYS; "
        "then the old keys can be removed. Lists the tokens no configured key opens."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clear-unreadable",
            action="store_true",
            help="Empty the secrets no key opens, so they can be entered again (channel accounts in the admin, "
            "the Zalo tipline from CITYDESK_ZALO_ACCESS_TOKEN/REFRESH_TOKEN).",
        )

    def handle(self, *args, clear_unreadable: bool, **options):
        rewritten, unreadable = secrets.rotate_all(clear_unreadable=clear_unreadable)
        self.stdout.write(f"rotated: {rewritten}")
        for owner in unreadable:
            self.stderr.write(f"unreadable ({'cleared' if clear_unreadable else 'kept'}): {owner}")
        if unreadable and not clear_unreadable:
            raise CommandError(
                f"{len(unreadable)} stored secret(s) open with none of the configured keys: add the old key "
                "back to CITYDESK_SECRETS_KEYS, or run again with --clear-unreadable and enter them again."
            )
