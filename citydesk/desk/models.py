"""The response desk: reports as received, the claims they join, evidence, verdicts and the audit log.

Claims, not people: nothing here records who posted a rumour elsewhere. A report keeps only an
optional reply handle (to answer the tipster), which expires and is purged.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from pgvector.django import VectorField
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from citydesk.core.text import fold_diacritics
from citydesk.newsroom.pagecache import PublicPageCacheMixin
from citydesk.newsroom.review import ReviewedPageForm


def private_storage():
    """Storage for what readers send (never public; see STORAGES["private"])."""
    return storages["private"]


class HarmCategory(models.TextChoices):
    """Content categories of harm; never political opinion."""

    HEALTH = "health", _("Health")
    DISASTER = "disaster", _("Disaster and safety")
    SCAM = "scam", _("Scam and fraud")
    IMPERSONATION = "impersonation", _("Impersonation")
    PUBLIC_SERVICES = "public_services", _("Public services")
    OTHER = "other", _("Other")


class ClaimStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_VERIFICATION = "in_verification", _("In verification")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    PUBLISHED = "published", _("Published")
    NOT_CHECKABLE = "not_checkable", _("Not checkable")
    DUPLICATE = "duplicate", _("Duplicate")


class Rating(models.TextChoices):
    """The fixed verdict scale."""

    TRUE = "true", _("True")
    FALSE = "false", _("False")
    MISLEADING = "misleading", _("Misleading")
    UNPROVEN = "unproven", _("Unproven")


class Channel(models.TextChoices):
    WEB = "web", _("Web tip form")
    TELEGRAM = "telegram", _("Telegram")
    ZALO = "zalo", _("Zalo")
    FEED = "feed", _("Monitored feed")
    STAFF = "staff", _("Entered by staff")
    PARTNER = "partner", _("Partner (API key)")
    API = "api", _("Public API")


class Claim(index.Indexed, models.Model):
    """The canonical statement that reports join, and its way to a published clarification."""

    statement = models.TextField(_("claim"), help_text=_("The claim in one or two neutral sentences"))
    category = models.CharField(_("harm category"), max_length=20, choices=HarmCategory.choices, default="other")
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    first_seen_at = models.DateTimeField(_("first seen"), db_index=True)
    last_seen_at = models.DateTimeField(_("last seen"), db_index=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    search_fields = [index.SearchField("statement"), index.FilterField("status")]
    # Kept in the search index by desk/search_index.py, whose job waits behind the tipline's answers (a
    # surge opens claims by the hundred), not by modelsearch's own signal handlers.
    search_auto_update = False

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("verify_claim", _("Can verify claims (triage, evidence, propose verdicts)")),
            ("approve_verdict", _("Can approve verdicts and publish clarifications")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="duplicate") | models.Q(duplicate_of__isnull=False),
                name="duplicate_claim_points_to_its_original",
            ),
        ]

    def __str__(self) -> str:
        return self.statement[:80]

    @property
    def approved_verdict(self):
        """The verdict the public sees: the latest approved one (read once while its clarification page
        renders: ClarificationPage.get_context)."""
        if hasattr(self, "_approved_verdict_for_render"):
            return self._approved_verdict_for_render
        return self.verdicts.filter(approved_at__isnull=False).order_by("-approved_at").first()

    @property
    def public_statement(self) -> str:
        """The wording the public sees: the one the approved verdict was proposed for, so that a rewording
        while a published claim is checked again waits for the next approval (two-person rule)."""
        verdict = self.approved_verdict
        return (verdict.statement if verdict else "") or self.statement

    @property
    def proposed_verdict(self):
        """The verdict waiting for a desk lead, if any."""
        return (
            self.verdicts.filter(approved_at__isnull=True, withdrawn_at__isnull=True).order_by("-proposed_at").first()
        )


class Report(models.Model):
    """One incoming item as received. No personal data beyond an optional, expiring reply handle."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(_("text"), blank=True, max_length=5000)
    url = models.URLField(_("link"), blank=True, max_length=1000)
    url_key = models.CharField(max_length=1000, blank=True, db_index=True, editable=False)
    image = models.ImageField(
        _("image"), upload_to="reports/%Y/%m/", storage=private_storage, blank=True, max_length=300
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"), db_index=True)
    reply_handle = models.CharField(
        _("reply handle"),
        max_length=200,
        blank=True,
        help_text=_("Where to send the answer (chat id or e-mail); purged when it expires"),
    )
    reply_handle_expires_at = models.DateTimeField(_("reply handle expires"), null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(
        _("answered"), null=True, blank=True, help_text=_("When the tipster was last sent the claim's verdict")
    )
    answer_failures = models.PositiveSmallIntegerField(_("failed answers"), default=0, editable=False)
    answered_automatically = models.BooleanField(
        _("answered at once"), default=False, help_text=_("Answered from the archive when it arrived")
    )
    match_explanation = models.JSONField(
        _("why it was matched"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The same-claim decision on the best match: which key facts matched and which differed"),
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return (self.text or self.url)[:80]


class Indicator(models.Model):
    """One scam signal pulled out of a report or a claim's wording (desk.indicators): a link, a phone number,
    a bank-account-like number, a money or urgency phrase. What it matches is looked up when shown."""

    class Kind(models.TextChoices):
        LINK = "link", _("Link")
        PHONE = "phone", _("Phone number")
        BANK_ACCOUNT = "bank_account", _("Bank account number")
        MONEY = "money", _("Money phrase")
        URGENCY = "urgency", _("Urgency phrase")

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="indicators")
    report = models.ForeignKey(
        Report, verbose_name=_("report"), null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.CharField(_("as written"), max_length=1000)
    key = models.CharField(_("comparable key"), max_length=1000, db_index=True)
    unshortened_from = models.CharField(_("unshortened from"), max_length=1000, blank=True)
    official_name = models.CharField(_("official account"), max_length=200, blank=True)
    lookalike_name = models.CharField(_("looks like the official account"), max_length=200, blank=True)
    lookalike_value = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class Appearance(models.Model):
    """A public page where the claim was seen, found by feed monitoring: a link, never a person."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="appearances")
    url = models.URLField(_("link"), max_length=1000)
    title = models.CharField(_("title"), max_length=300, blank=True)
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        ordering = ["found_at", "pk"]
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        constraints = [models.UniqueConstraint(fields=["claim", "url"], name="one_appearance_per_claim_and_link")]

    def __str__(self) -> str:
        return self.title or self.url


class MatchSuggestion(models.Model):
    """A claim that a newly reported claim may repeat, for the desk to confirm (merge) or ignore."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="suggestions")
    candidate = models.ForeignKey(
        Claim, verbose_name=_("possible duplicate of"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("score"))

    class Meta:
        ordering = ["-score"]
        verbose_name = _("match suggestion")
        verbose_name_plural = _("match suggestions")
        constraints = [models.UniqueConstraint(fields=["claim", "candidate"], name="one_suggestion_per_pair")]

    def __str__(self) -> str:
        return f"#{self.claim_id} ~ #{self.candidate_id} ({self.score:.2f})"


class Evidence(models.Model):
    """A source that supports the verdict: where, what it says, who added it."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(_("source link"), max_length=1000)
    title = models.CharField(_("source title"), max_length=300)
    quote = models.TextField(_("quoted passage"), blank=True, max_length=3000)
    snapshot = models.TextField(
        _("text snapshot"), blank=True, help_text=_("The page's text as it was when checked, in case it changes")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title


class EvidenceSnapshot(models.Model):
    """What a source page looked like when the desk added it, captured by the worker (desk.snapshots):
    status, final address, time, hash and main text; the raw HTML (size-capped) in private storage."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be captured")
        CAPTURED = "captured", _("Captured")
        FAILED = "failed", _("Capture failed")

    evidence = models.OneToOneField(
        Evidence, verbose_name=_("evidence"), on_delete=models.CASCADE, related_name="capture"
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("final address"), max_length=1000, blank=True)
    captured_at = models.DateTimeField(_("captured"), null=True, blank=True)
    sha256 = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    text = models.TextField(_("main text"), blank=True)
    html = models.FileField(upload_to="snapshots/%Y/%m/", storage=private_storage, blank=True, max_length=300)
    html_size = models.PositiveIntegerField(_("bytes kept"), default=0)
    truncated = models.BooleanField(_("cut at the size limit"), default=False)
    error = models.CharField(_("error"), max_length=20, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    archive_url = models.URLField(_("web archive copy"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("evidence snapshot")
        verbose_name_plural = _("evidence snapshots")

    def __str__(self) -> str:
        return f"{self.evidence_id}: {self.state}"

    @property
    def error_label(self) -> str:
        """The failure in the reader's language (core.fetch's categories)."""
        from citydesk.core.fetch import FetchError

        return FetchError(self.error, self.http_status).describe() if self.error else ""


class Verdict(models.Model):
    """A rating on the fixed scale, proposed by a verifier and approved by a different desk lead."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="verdicts")
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One sentence: what is true"))
    explanation = models.TextField(_("explanation"), max_length=10000)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verifier"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("sent back"), null=True, blank=True)
    statement = models.TextField(
        _("claim as proposed"),
        blank=True,
        editable=False,
        help_text=_("The claim's wording this verdict was proposed (and approved) for; the public sees this one"),
    )
    reviewed_fingerprint = models.CharField(
        _("fingerprint of what was proposed"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The claim, its evidence and this verdict as the verifier proposed them (SHA-256)"),
    )

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approver__isnull=True) | ~models.Q(approver=models.F("verifier")),
                name="verdict_approver_is_not_the_verifier",
            ),
            # Two-person rule: a claim has at most one proposal waiting for a desk lead.
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(approved_at__isnull=True, withdrawn_at__isnull=True),
                name="one_open_verdict_per_claim",
            ),
        ]

    def __str__(self) -> str:
        return self.get_rating_display()


class Correction(models.Model):
    """A public note made when a published clarification is reopened: nothing is edited silently."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField(_("correction note"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return self.note[:80]


class ClaimEvent(models.Model):
    """The audit log: every change of a claim, who made it, when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        REPORT_JOINED = "report_joined", _("Report joined")
        ASSIGNED = "assigned", _("Assigned")
        STATUS = "status", _("Status changed")
        EVIDENCE = "evidence", _("Evidence added")
        PROPOSED = "proposed", _("Verdict proposed")
        SENT_BACK = "sent_back", _("Verdict sent back")
        WITHDRAWN = "withdrawn", _("Verdict proposal withdrawn")
        EDITED = "edited", _("Claim details edited")
        APPROVED = "approved", _("Verdict approved and published")
        MERGED = "merged", _("Merged into another claim")
        REOPENED = "reopened", _("Reopened with a correction")
        APPEARANCE = "appearance", _("Seen in a monitored source")

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ClaimStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"


class FactCheckIndexPage(PublicPageCacheMixin, RoutablePageMixin, Page):
    """The public "Kiểm chứng" section: every published clarification, newest first."""

    base_form_class = ReviewedPageForm  # notes who changed the content (newsroom/review.py)
    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    methodology = RichTextField(_("methodology"), blank=True, help_text=_("How the desk checks claims and rates them"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("methodology")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = ["desk.ClarificationPage"]
    max_count = 1
    show_in_menus_default = True

    class Meta:
        verbose_name = _("fact-check section")
        verbose_name_plural = _("fact-check sections")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        clarifications = (
            ClarificationPage.objects.child_of(self).live().select_related("claim").order_by("-first_published_at")
        )
        context["clarifications"] = Paginator(clarifications, 20).get_page(request.GET.get("trang"))
        return context  # the pinned clarifications come from desk_tags (pinned_clarifications)

    @path("phuong-phap/", name="methodology")
    def methodology_view(self, request):
        """The verdict scale and the desk's process, in plain words."""
        return self.render(request, template="desk/methodology_page.html")


class ClarificationPage(PublicPageCacheMixin, Page):
    """The public clarification of one claim; its content comes from the claim's approved verdict."""

    base_form_class = ReviewedPageForm
    claim = models.OneToOneField(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="clarification_page"
    )

    parent_page_types = ["desk.FactCheckIndexPage"]
    subpage_types = []
    is_creatable = False  # made by the desk when a verdict is approved (services.verdict_approve)
    search_fields = Page.search_fields + [index.SearchField("search_text")]

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")

    def get_context(self, request, *args, **kwargs):
        # The sources shown come from desk_tags (public_evidence): models import no selectors.
        context = super().get_context(request, *args, **kwargs)
        context["page_corrections"] = self.claim.corrections.all()
        # The template, the share card and the JSON-LD ask for it about seven times; this page instance
        # (and its claim) lives for this one request.
        self.claim._approved_verdict_for_render = (
            self.claim.verdicts.filter(approved_at__isnull=False)
            .select_related("verifier__contributor_profile__unit", "approver__contributor_profile__unit")
            .order_by("-approved_at")
            .first()
        )
        return context

    def search_text(self) -> str:
        """Claim and verdict folded to ASCII, searchable with or without diacritics."""
        verdict = self.claim.approved_verdict
        parts = [self.claim.public_statement] + ([verdict.summary, verdict.explanation] if verdict else [])
        return fold_diacritics(" ".join(parts))


EMBEDDING_DIM = 384  # multilingual-e5-small (citydesk.matching.encoder.DIM)


class ClaimEmbedding(models.Model):
    """A claim's e5 vector, kept in the database when it is PostgreSQL (pgvector, HNSW index), so every
    web process and worker searches one shared semantic index. SQLite keeps vectors in process."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, primary_key=True, related_name="embedding")
    vector = VectorField(dimensions=EMBEDDING_DIM)

    def __str__(self) -> str:
        return f"embedding of claim {self.claim_id}"


class SlaTarget(models.Model):
    """How soon the desk must first respond to a claim of a harm category (set by unit admins)."""

    category = models.CharField(_("harm category"), max_length=20, choices=HarmCategory.choices, unique=True)
    first_response_hours = models.PositiveSmallIntegerField(
        _("first response within (hours)"), help_text=_("From the claim's first report to the desk's first action")
    )

    panels = [FieldPanel("category"), FieldPanel("first_response_hours")]

    class Meta:
        ordering = ["category"]
        verbose_name = _("response target")
        verbose_name_plural = _("response targets")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.first_response_hours} h"


class SurgeAlert(models.Model):
    """A claim whose reports surged: one row per claim per surge (open until the surge has passed)."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="surges")
    started_at = models.DateTimeField(_("started"), db_index=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    reports_last_hour = models.PositiveIntegerField(_("reports in the last hour"))
    usual_per_hour = models.FloatField(_("usual reports per hour"))
    emailed_at = models.DateTimeField(null=True, blank=True)
    telegram_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("surge alert")
        verbose_name_plural = _("surge alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=models.Q(ended_at__isnull=True), name="one_open_surge_per_claim"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.claim_id} {self.reports_last_hour}/h"


class TrendingPin(models.Model):
    """A clarification pinned under "Đang được quan tâm" on the home page and the Kiểm chứng index."""

    page = models.OneToOneField(
        ClarificationPage, verbose_name=_("clarification"), on_delete=models.CASCADE, related_name="trending_pin"
    )
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pinned_at = models.DateTimeField(_("pinned"), auto_now_add=True)

    class Meta:
        ordering = ["-pinned_at"]
        verbose_name = _("pinned clarification")
        verbose_name_plural = _("pinned clarifications")

    def __str__(self) -> str:
        return str(self.page)
