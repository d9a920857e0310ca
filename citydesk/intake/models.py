"""Intake: the office's verified accounts, the public feeds it monitors, and platform delivery ids.

Nothing here records who sent a tip: the only contact data is the report's expiring reply handle
(citydesk.desk.models.Report).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from citydesk.core import secrets

from .official import OfficialKind, account_key
from .validators import refuse_personal_accounts, refuse_private_addresses


class OfficialAccount(models.Model):
    """A genuine page, channel, phone number, domain or address of the office or one of its units."""

    name = models.CharField(_("name"), max_length=200, help_text=_("As the public sees it, e.g. “Trang tin Sở Y tế”"))
    kind = models.CharField(_("kind"), max_length=20, choices=OfficialKind.choices)
    value = models.CharField(
        _("address"),
        max_length=500,
        help_text=_("The page or channel link, the domain (example.gov.vn), the phone number or the e-mail address"),
    )
    key = models.CharField(_("lookup key"), max_length=500, editable=False, db_index=True)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="official_accounts",
    )
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("e.g. “hotline, 7:00–22:00”"))
    is_active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("value"),
        FieldPanel("unit"),
        FieldPanel("note"),
        FieldPanel("is_active"),
    ]

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("official account")
        verbose_name_plural = _("official accounts")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="one_official_account_per_address")]

    def __str__(self) -> str:
        return f"{self.name} ({self.value})"

    def save(self, *args, **kwargs):
        self.key = account_key(self.kind, self.value) or self.value.strip().lower()
        super().save(*args, **kwargs)

    def clean(self):
        key = account_key(self.kind, self.value)
        if key is None:
            message = _("This address is not a valid %(kind)s.") % {"kind": self.get_kind_display()}
            raise ValidationError({"value": message})
        self.key = key
        duplicate = OfficialAccount.objects.filter(kind=self.kind, key=key).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError({"value": _("This address is already in the list.")})


class FeedSource(models.Model):
    """A public RSS/Atom feed of a news site or an official page that the office chose to monitor."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed address"), max_length=1000, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    interval_minutes = models.PositiveIntegerField(_("poll every (minutes)"), default=30)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_entry_at = models.DateTimeField(_("newest item seen"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    etag = models.CharField(max_length=300, blank=True, editable=False)
    modified = models.CharField(max_length=100, blank=True, editable=False)
    appearances_found = models.PositiveIntegerField(_("appearances found"), default=0, editable=False)

    panels = [FieldPanel("name"), FieldPanel("url"), FieldPanel("interval_minutes"), FieldPanel("is_active")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("monitored feed")
        verbose_name_plural = _("monitored feeds")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        refuse_private_addresses(self.url)
        refuse_personal_accounts(self.url)


class InboundUpdate(models.Model):
    """A chat message taken in by a webhook, keyed by the platform's id (a re-delivery is stored once),
    and how far the worker got with it: received → sending (reply fixed and claimed for sending in one
    step; the report stored with it when it is a verdict a model decided, or a photo) → done, or →
    replied → done when its report is filed after the reply (decision says how). "decided" (reply fixed,
    not yet claimed for sending) is left from before and still resumed. The parsed message (payload,
    which holds the chat id) is emptied once it is done."""

    class State(models.TextChoices):
        RECEIVED = "received"
        DECIDED = "decided"
        SENDING = "sending"
        REPLIED = "replied"  # the reply is done; the report is still to be filed (a lower-priority job)
        DONE = "done"

    class Delivery(models.TextChoices):
        SENT = "sent"
        FAILED = "failed"
        UNKNOWN = "unknown"  # the worker died while the reply was on its way: never sent again

    platform = models.CharField(max_length=20)
    external_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DONE)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=20, blank=True)
    report = models.ForeignKey("desk.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reply = models.TextField(blank=True)
    # What filing the report after the reply needs: {"claim": id, "copy": bool, "sure": bool,
    # "undeliverable": bool} for a tip found by a fingerprint; {"later": true, "vector": the tip's e5
    # vector, base64} for a text a model decided on that got no verdict (matched again when filed, with
    # that vector); {"after": id} for an identical copy of such a text whose report is not filed yet.
    # Empty when the report was stored with the decision (or there is none).
    decision = models.JSONField(default=dict, blank=True)
    # The fingerprint of a text decided by a model and answered without a verdict, while its report is
    # still to be filed: an identical copy gets the same reply and joins its claim once it is filed.
    # Emptied when the message is done (its SeenText takes over).
    fingerprint = models.CharField(max_length=64, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "external_id"], name="one_inbound_per_platform_id")]
        indexes = [
            models.Index(fields=["received_at"], name="inbound_unfinished", condition=~models.Q(state="done")),
            models.Index(fields=["fingerprint"], name="inbound_to_file_by_text", condition=~models.Q(fingerprint="")),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"


class PlatformToken(models.Model):
    """A platform access token that rotates (Zalo OA), kept encrypted; the environment gives the first one."""

    platform = models.CharField(max_length=20, unique=True)
    access_token_encrypted = models.TextField(blank=True)
    refresh_token_encrypted = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.platform

    @property
    def secrets_owner(self) -> str:
        """Whose token to enter again when the keys cannot read it (named in errors)."""
        return gettext("the %(platform)s tipline token") % {"platform": self.platform.capitalize()}

    @property
    def access_token(self) -> str:
        return secrets.decrypt(self.access_token_encrypted, owner=self.secrets_owner)

    @property
    def refresh_token(self) -> str:
        return secrets.decrypt(self.refresh_token_encrypted, owner=self.secrets_owner)

    def set_tokens(self, access_token: str, refresh_token: str) -> None:
        self.access_token_encrypted = secrets.encrypt(access_token)
        self.refresh_token_encrypted = secrets.encrypt(refresh_token)


class AnsweredText(models.Model):
    """The fingerprint of a normalised tip text that was answered with a verdict, and the report it was
    answered by: an identical forwarded copy gets the same claim's verdict without running a model."""

    fingerprint = models.CharField(max_length=64, unique=True)
    report = models.ForeignKey("desk.Report", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.fingerprint[:12]


class SeenText(models.Model):
    """The fingerprint of a normalised tip text and the report it was first stored as: an identical copy
    joins the same claim while the desk still has it open, without running a model (the rumour wave's
    copies of a claim not answered yet). The reply to such a copy is the thank-you, never a verdict."""

    fingerprint = models.CharField(max_length=64, unique=True)
    report = models.ForeignKey("desk.Report", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.fingerprint[:12]
