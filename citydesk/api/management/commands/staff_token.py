"""Make or revoke a staff API token (the office's own tools); the token is printed once."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from citydesk.api import services
from citydesk.api.models import StaffToken


class Command(BaseCommand):
    help = "Make a staff API token for a user (it acts with the user's roles), or revoke one by its prefix."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="username the token acts as")
        parser.add_argument("--name", default="", help="what the token is for, e.g. the tool's name")
        parser.add_argument("--days", type=int, default=90, help="valid for this many days (0: no expiry)")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the token with this prefix")

    def handle(self, *args, user=None, name="", days=90, revoke=None, **options):
        if revoke:
            token = StaffToken.objects.filter(prefix=revoke).first()
            if token is None:
                raise CommandError(f"No token with prefix {revoke}")
            services.staff_token_revoke(token=token)
            self.stdout.write(f"revoked {token.prefix}")
            return
        account = get_user_model().objects.filter(username=user, is_active=True).first() if user else None
        if account is None:
            raise CommandError("--user must name an active user")
        expires = timezone.now() + timedelta(days=days) if days else None
        token, value = services.staff_token_create(user=account, name=name or "token", expires_at=expires)
        self.stdout.write(value)  # shown once: only its hash is stored
