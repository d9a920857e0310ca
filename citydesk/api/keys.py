"""Making and reading API credentials: `cdk_<prefix>_<secret>` for partners, `cdt_<prefix>_<secret>`
for staff. The prefix finds the row; the SHA-256 of the whole value is compared in constant time."""

import hashlib
import hmac
import secrets

PARTNER = "cdk"
STAFF = "cdt"


def new_credential(kind: str) -> tuple[str, str, str]:
    """(full value to show once, prefix to store, hash to store)."""
    prefix = secrets.token_hex(6)
    value = f"{kind}_{prefix}_{secrets.token_urlsafe(32)}"
    return value, prefix, digest(value)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def split(value: str) -> tuple[str, str] | None:
    """(kind, prefix) of a presented credential, None when it has not the shape of one."""
    parts = (value or "").split("_", 2)
    if len(parts) != 3 or parts[0] not in (PARTNER, STAFF) or len(parts[1]) != 12 or not parts[2]:
        return None
    return parts[0], parts[1]


def matches(value: str, stored_hash: str) -> bool:
    return hmac.compare_digest(digest(value), stored_hash)
