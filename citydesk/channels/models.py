"""Channels: the office's own accounts, and the outbox of deliveries to them.

Transactional outbox: a Publication and one Delivery per chosen account are written in the same
transaction as the decision to publish; a worker sends them. A Delivery is only retried by itself
when the earlier attempt certainly failed; when the outcome is unknown it is checked against the
platform (Facebook) or left to a person, never blindly re-posted.
"""

import secrets as random_tokens

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from citydesk.core import secrets


class ChannelKind(models.TextChoices):
    FACEBOOK = "facebook", _("Facebook Page")
    ZALO = "zalo", _("Zalo Official Account")
    TELEGRAM = "telegram", _("Telegram channel")
    EMAIL = "email", _("E-mail list")


class ChannelAccount(models.Model):
    """One of the office's own accounts. Secrets are stored encrypted and never shown back in full."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("platform"), max_length=20, choices=ChannelKind.choices)
    target = models.CharField(
        _("page, account or list"),
        max_length=1000,
        help_text=_(
            "Facebook: the page id. Zalo: the OA id. Telegram: the channel (@name or -100… id). "
            "E-mail: addresses separated by commas."
        ),
    )
    token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    app_secret_encrypted = models.TextField(blank=True, editable=False)
    app_id = models.CharField(_("app id (Zalo)"), max_length=100, blank=True)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    auto_clarifications = models.BooleanField(
        _("post every published clarification"),
        default=False,
        help_text=_("Each clarification (and each correction of one) is sent here when the desk publishes it."),
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("channel account")
        verbose_name_plural = _("channel accounts")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def secrets_owner(self) -> str:
        """Whose token to enter again when the keys cannot read it (named in errors)."""
        return gettext("channel account “%(name)s” (%(platform)s)") % {
            "name": self.name,
            "platform": self.get_kind_display(),
        }

    @property
    def token(self) -> str:
        return secrets.decrypt(self.token_encrypted, owner=self.secrets_owner)

    @property
    def refresh_token(self) -> str:
        return secrets.decrypt(self.refresh_token_encrypted, owner=self.secrets_owner)

    @property
    def app_secret(self) -> str:
        return secrets.decrypt(self.app_secret_encrypted, owner=self.secrets_owner)

    @admin.display(description=_("stored secrets"))
    def secrets_state(self) -> str:
        """For the admin list: whether the stored secrets open with the configured keys."""
        fields = (self.token_encrypted, self.refresh_token_encrypted, self.app_secret_encrypted)
        if not any(fields):
            return gettext("none")
        if all(secrets.readable(value) for value in fields):
            return gettext("readable")
        return gettext("unreadable: enter the token again")

    def set_secrets(self, *, token: str | None = None, refresh_token: str | None = None, app_secret: str | None = None):
        """Replace the given secrets (None keeps the stored one)."""
        if token is not None:
            self.token_encrypted = secrets.encrypt(token)
        if refresh_token is not None:
            self.refresh_token_encrypted = secrets.encrypt(refresh_token)
        if app_secret is not None:
            self.app_secret_encrypted = secrets.encrypt(app_secret)


class Publication(models.Model):
    """One piece of the office's content sent to chosen accounts: an article or a clarification."""

    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.PROTECT, related_name="publications"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=5000)
    link = models.URLField(_("link"), max_length=1000)
    image_url = models.URLField(_("image address"), max_length=1000, blank=True)
    scheduled_at = models.DateTimeField(_("send at"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_at", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return self.title


def new_marker() -> str:
    return random_tokens.token_hex(6)


class Delivery(models.Model):
    """A publication to one account: its state, attempts, and what the platform answered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        UNKNOWN = "unknown", _("Outcome unknown")
        GAVE_UP = "gave_up", _("Gave up")

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="deliveries"
    )
    account = models.ForeignKey(
        ChannelAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="deliveries"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    sending_since = models.DateTimeField(null=True, blank=True, editable=False)
    marker = models.CharField(max_length=20, default=new_marker, editable=False)
    post_id = models.CharField(_("post id"), max_length=200, blank=True)
    post_url = models.URLField(_("post link"), max_length=1000, blank=True)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # People the post reached, where a platform reports it per post (empty = not reported).
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)

    class Meta:
        ordering = ["publication", "account"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["publication", "account"], name="one_delivery_per_publication_account")
        ]

    def __str__(self) -> str:
        return f"{self.publication} → {self.account}"
