"""The Open API's credentials and partner data: partner keys, staff tokens, the reports a key filed,
webhook endpoints and their deliveries.

Keys and tokens are stored as a SHA-256 hash with a short public prefix to find the row; the full
value is shown once, when it is made. Webhook signing secrets must be read back to sign, so they are
encrypted at rest (core.secrets), never hashed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Credential(models.Model):
    """What partner keys and staff tokens share: a prefix to find the row, a hash, expiry, revocation."""

    name = models.CharField(_("name"), max_length=200)
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, *, now=None) -> bool:
        """Not revoked and not expired."""
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class PartnerScope(models.TextChoices):
    REPORTS_FILE = "reports:file", _("File reports")
    REPORTS_READ = "reports:read", _("Read the status of its own reports")
    WEBHOOKS = "webhooks", _("Manage webhooks")


class PartnerKey(Credential):
    """A partner's API key (hotline, newsroom, portal), made by a unit admin for one of its units."""

    unit = models.ForeignKey("core.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="partner_keys")
    scopes = models.JSONField(_("scopes"), default=list)
    contact_email = models.EmailField(
        _("contact e-mail"), help_text=_("Told when a webhook of this key is switched off after failing")
    )
    rate_limit = models.PositiveIntegerField(_("requests per minute"), default=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class StaffToken(Credential):
    """A token for the office's own tools, acting as its user: the user's roles, never more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staff API token")
        verbose_name_plural = _("staff API tokens")


class PartnerReport(models.Model):
    """A report filed through the API, and the key that filed it (only that key reads its status)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.ForeignKey(PartnerKey, on_delete=models.PROTECT, related_name="reports")
    report = models.OneToOneField("desk.Report", on_delete=models.CASCADE, related_name="partner_filing")
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("report filed by a partner")
        verbose_name_plural = _("reports filed by partners")

    def __str__(self) -> str:
        return str(self.public_id)


class WebhookEvent(models.TextChoices):
    PUBLISHED = "clarification.published", _("A clarification was published")
    CORRECTED = "clarification.corrected", _("A corrected clarification was published again")


class WebhookEndpoint(models.Model):
    """A partner's address that receives signed events; switched off after too many failures in a row."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.ForeignKey(PartnerKey, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("address"), max_length=1000)
    events = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url

    @property
    def secrets_owner(self) -> str:
        return f"webhook {self.url} ({self.key.name})"


class WebhookDelivery(models.Model):
    """One event sent (or to send) to one endpoint: the log of attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Gave up")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
