"""Secrets at rest (platform tokens): encrypted with a key from the environment, never shown back in full."""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    # CITYDESK_SECRETS_KEY is a Fernet key; without one, a key is derived from SECRET_KEY so that the
    # embedded mode works, and rotating SECRET_KEY then means re-entering the tokens.
    key = settings.CITYDESK_SECRETS_KEY
    if not key:
        key = base64.urlsafe_b64encode(hashlib.sha256(b"citydesk-secrets:" + settings.SECRET_KEY.encode()).digest())
    return Fernet(key)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    """The plain value, or "" when it was encrypted with another key (so it must be entered again)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def masked(value: str) -> str:
    """What a screen may show of a secret: its last four characters."""
    return "•••• " + value[-4:] if len(value) > 8 else "••••"


def one_time_token() -> tuple[str, str]:
    """A token for a one-time link and the hash to store: a leaked database holds no working links."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
