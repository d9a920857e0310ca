"""Who is calling: a partner key or a staff token in `Authorization: Bearer …`, or nobody.

Sessions are not accepted here, so a browser's cookies never act on the API (no CSRF surface).
"""

from dataclasses import dataclass

from django.utils import timezone
from rest_framework import authentication, exceptions

from . import keys
from .models import PartnerKey, StaffToken

# last_used_at is written at most this often per credential (a busy key does not write every request).
LAST_USED_RESOLUTION_SECONDS = 60


@dataclass
class Partner:
    """The request's user when a partner key authenticated: not a Django user, no admin rights."""

    key: PartnerKey
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    is_anonymous: bool = False

    def has_perm(self, perm, obj=None) -> bool:
        return False


def _touch(credential) -> None:
    now = timezone.now()
    last = credential.last_used_at
    if last is None or (now - last).total_seconds() >= LAST_USED_RESOLUTION_SECONDS:
        type(credential).objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now


class BearerAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer cdk_…` (partner key) or `Bearer cdt_…` (staff token)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(code="bad_credentials")
        try:
            value = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(code="bad_credentials") from None
        found = keys.split(value)
        if found is None:
            raise exceptions.AuthenticationFailed(code="bad_credentials")
        kind, prefix = found
        if kind == keys.PARTNER:
            credential = PartnerKey.objects.select_related("unit").filter(prefix=prefix).first()
        else:
            credential = StaffToken.objects.select_related("user").filter(prefix=prefix).first()
        if credential is None or not keys.matches(value, credential.key_hash):
            raise exceptions.AuthenticationFailed(code="bad_credentials")
        if not credential.is_usable():
            raise exceptions.AuthenticationFailed(code="credentials_expired")
        if kind == keys.STAFF and not credential.user.is_active:
            raise exceptions.AuthenticationFailed(code="credentials_expired")
        _touch(credential)
        if kind == keys.PARTNER:
            return Partner(credential), credential
        return credential.user, credential

    def authenticate_header(self, request):
        return self.keyword


def partner_key(request) -> PartnerKey | None:
    return request.auth if isinstance(request.auth, PartnerKey) else None


def staff_token(request) -> StaffToken | None:
    return request.auth if isinstance(request.auth, StaffToken) else None
