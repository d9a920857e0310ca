"""Second factor for staff: who must use one, setting up a TOTP device, recovery codes, verifying.

Built on django-otp: a confirmed TOTPDevice is the authenticator app, a StaticDevice holds the
single-use recovery codes. A session is verified once a code from one of them was accepted in it.
"""

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from citydesk.core import roles

# The roles that speak for the office or grant rights to others (issue 18, finding 12).
REQUIRED_ROLES = (roles.DESK_LEAD, roles.EDITOR, roles.UNIT_ADMIN, roles.TRAINING_MANAGER)  # managers see answers
RECOVERY_CODES = 10
APP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def second_factor_required(*, user) -> bool:
    """True for superusers and members of REQUIRED_ROLES while CITYDESK_2FA_REQUIRED is on."""
    if not settings.CITYDESK_2FA_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=REQUIRED_ROLES).exists()


def has_second_factor(*, user) -> bool:
    """True once the user confirmed an authenticator app (recovery codes alone do not count)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_app_device(*, user) -> TOTPDevice:
    """The unconfirmed device being set up (made on first call, the same secret until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=APP_DEVICE_NAME).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_app_device(*, request, token: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; verifies this session and returns fresh
    recovery codes (shown once). None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=False).first()
    if device is None or not device.verify_token(_digits(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=request.user, confirmed=True).exclude(pk=device.pk).delete()
    otp_login(request, device)
    return new_recovery_codes(user=request.user)


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones; each works once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def verify(*, request, token: str) -> bool:
    """Accept a code from the app or a recovery code for this session (django-otp throttles each
    device after failures). A recovery code is used up."""
    token = token.strip().replace(" ", "").lower()
    if not token:
        return False
    with transaction.atomic():
        for device in devices_for_user(request.user, confirmed=True, for_verify=True):
            if isinstance(device, StaticDevice) and not has_second_factor(user=request.user):
                continue  # recovery codes stand in for an app that exists, not for setting one up
            if device.verify_token(_digits(token) if isinstance(device, TOTPDevice) else token):
                otp_login(request, device)
                return True
    return False


def remaining_recovery_codes(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())
