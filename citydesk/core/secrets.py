"""Secrets at rest (platform tokens): encrypted with keys from the environment, never shown back in full.

Keys rotate (MultiFernet): the first key of CITYDESK_SECRETS_KEYS encrypts, every key decrypts, and
`manage.py rotate_secrets` re-encrypts every stored secret with the first key. A secret that no key
opens is an error naming whose token must be entered again, never a silent empty token.
"""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _

# Every stored secret: model label, its encrypted fields. rotate_secrets walks this list.
ENCRYPTED_FIELDS = {
    "channels.ChannelAccount": ("token_encrypted", "refresh_token_encrypted", "app_secret_encrypted"),
    "intake.PlatformToken": ("access_token_encrypted", "refresh_token_encrypted"),
    "api.WebhookEndpoint": ("secret_encrypted",),
}


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys decrypts (a key was removed or changed)."""

    def __init__(self, owner: str):
        self.owner = owner
        super().__init__(
            _(
                "The stored token of %(owner)s cannot be read with the configured keys "
                "(CITYDESK_SECRETS_KEYS): enter it again, or add the old key back."
            )
            % {"owner": owner}
        )


def derived_key() -> bytes:
    """The key used when none is configured (embedded mode): derived from SECRET_KEY."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"citydesk-secrets:" + settings.SECRET_KEY.encode()).digest())


def configured_keys() -> list[str]:
    """CITYDESK_SECRETS_KEYS (newest first), then CITYDESK_SECRETS_KEY, without repeats."""
    keys = [*settings.CITYDESK_SECRETS_KEYS, settings.CITYDESK_SECRETS_KEY]
    return list(dict.fromkeys(key for key in keys if key))


def _fernet() -> MultiFernet:
    # The key derived from SECRET_KEY always decrypts last, so secrets stored before a key was
    # configured keep working until rotate_secrets re-encrypts them with the configured one.
    keys = [*configured_keys(), derived_key().decode()]
    fernets = []
    for position, key in enumerate(dict.fromkeys(keys), start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"CITYDESK_SECRETS_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from None
    return MultiFernet(fernets)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str, *, owner: str) -> str:
    """The plain value; SecretUnreadable (naming owner) when no configured key opens it."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(owner) from None


def readable(token: str) -> bool:
    """Whether a stored secret opens with the configured keys (an empty one does)."""
    if not token:
        return True
    try:
        _fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """The same secret encrypted with the first key; InvalidToken when no key opens it."""
    return _fernet().rotate(token.encode()).decode() if token else ""


def rotate_all(*, clear_unreadable: bool = False) -> tuple[int, list[str]]:
    """Re-encrypt every stored secret with the first key: (rows rewritten, owners whose secrets no key
    opens). With clear_unreadable those secrets are emptied, so each can be entered again."""
    rewritten, unreadable = 0, []
    with transaction.atomic():
        for label, fields in ENCRYPTED_FIELDS.items():
            model = apps.get_model(label)
            for row in model.objects.select_for_update().order_by("pk"):
                values, lost = {}, False
                for field in fields:
                    try:
                        values[field] = rotate(getattr(row, field))
                    except InvalidToken:
                        lost = True
                        if clear_unreadable:
                            values[field] = ""
                if lost:
                    unreadable.append(str(row.secrets_owner))
                if values and (clear_unreadable or not lost):
                    model.objects.filter(pk=row.pk).update(**values)
                    rewritten += 1
    return rewritten, unreadable


def masked(value: str) -> str:
    """What a screen may show of a secret: its last four characters."""
    return "•••• " + value[-4:] if len(value) > 8 else "••••"


def one_time_token() -> tuple[str, str]:
    """A token for a one-time link and the hash to store: a leaked database holds no working links."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
