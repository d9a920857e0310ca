"""State changes of the API: credentials, reports filed by partners, webhook endpoints."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citydesk.core import secrets
from citydesk.core.models import Unit
from citydesk.core.scoping import managed_units
from citydesk.intake import answers

from . import keys
from .models import PartnerKey, PartnerReport, PartnerScope, StaffToken, WebhookEndpoint, WebhookEvent


def units_managed_by(user):
    """Units a user may make partner keys for: the units it administers (core.scoping), every unit for a
    superuser, none without the right to make keys."""
    if not user.is_superuser and not user.has_perm("api.add_partnerkey"):
        return Unit.objects.none()
    return managed_units(user)


def partner_key_create(
    *,
    actor,
    name: str,
    unit: Unit,
    scopes: list[str],
    contact_email: str,
    rate_limit: int = 60,
    expires_at: datetime | None = None,
) -> tuple[PartnerKey, str]:
    """A new partner key and its value, which is shown once and never stored."""
    if not units_managed_by(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("You may only make keys for your own unit."))
    unknown = set(scopes) - set(PartnerScope.values)
    if unknown:
        raise ValidationError(_("Unknown scope: %(scope)s") % {"scope": ", ".join(sorted(unknown))})
    value, prefix, hashed = keys.new_credential(keys.PARTNER)
    key = PartnerKey.objects.create(
        name=name,
        unit=unit,
        scopes=sorted(set(scopes)),
        contact_email=contact_email,
        rate_limit=rate_limit,
        expires_at=expires_at,
        prefix=prefix,
        key_hash=hashed,
        created_by=actor,
    )
    return key, value


def partner_key_revoke(*, key: PartnerKey, actor) -> PartnerKey:
    """Revoke a key at once; its webhooks stop with it."""
    if not units_managed_by(actor).filter(pk=key.unit_id).exists():
        raise PermissionDenied(_("You may only revoke keys of your own unit."))
    with transaction.atomic():
        key.revoked_at = key.revoked_at or timezone.now()
        key.save(update_fields=["revoked_at"])
        key.webhooks.update(is_active=False)
    return key


def staff_token_create(*, user, name: str, expires_at: datetime | None = None) -> tuple[StaffToken, str]:
    """A token acting as user (with user's roles); the value is shown once."""
    value, prefix, hashed = keys.new_credential(keys.STAFF)
    token = StaffToken.objects.create(user=user, name=name, expires_at=expires_at, prefix=prefix, key_hash=hashed)
    return token, value


def staff_token_revoke(*, token: StaffToken) -> StaffToken:
    token.revoked_at = token.revoked_at or timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def partner_report_file(
    *, key: PartnerKey, text: str = "", url: str = "", image=None
) -> tuple[PartnerReport, answers.Answer | None]:
    """File a report through the tipline's one entry point (answers.take_tip), with the partner channel
    and this key; returns the filing and the published clarification the tip repeats or may be about."""
    from citydesk.desk.models import Channel

    if not key.has_scope(PartnerScope.REPORTS_FILE):
        raise PermissionDenied(_("This key may not file reports."))
    with transaction.atomic():
        outcome = answers.take_tip(channel=Channel.PARTNER, text=text, url=url, image=image)
        return PartnerReport.objects.create(key=key, report=outcome.report), outcome.answer


def webhook_register(*, key: PartnerKey, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """A webhook endpoint of key and its signing secret (shown once, stored encrypted)."""
    import secrets as random

    from citydesk.core import fetch

    if not key.has_scope(PartnerScope.WEBHOOKS):
        raise PermissionDenied(_("This key may not manage webhooks."))
    try:
        fetch.check_url(url, resolve=False)
    except fetch.FetchError:
        raise ValidationError(_("Only public http or https addresses can receive webhooks.")) from None
    unknown = set(events) - set(WebhookEvent.values)
    if not events or unknown:
        raise ValidationError(_("Choose events from: %(events)s") % {"events": ", ".join(WebhookEvent.values)})
    secret = "whsec_" + random.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        key=key, url=url, events=sorted(set(events)), secret_encrypted=secrets.encrypt(secret)
    )
    return endpoint, secret


def webhook_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()
