"""The community space: readers' stories and comments, and their moderation.

Readers are not Django users: a Member is an e-mail address (to sign in by a one-time link), a display
name and an optional avatar, nothing else. Deleting an account removes that and anonymises the posts.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import checks


class ModerationCategory(models.TextChoices):
    """Why something is rejected or hidden: content categories only. There is no category for political
    opinion or criticism of the authorities, and none is to be added (a test holds this list)."""

    SPAM = "spam", _("Spam or advertising")
    SCAM = "scam", _("Scam or phishing")
    IMPERSONATION = "impersonation", _("Impersonation of an official account")
    HARASSMENT = "harassment", _("Harassment or hate toward people")
    FALSE_INFORMATION = "false_information", _("False health or disaster information")
    OFF_TOPIC = "off_topic", _("Off-topic")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")
    ESCALATED = "escalated", _("Sent to the fact-check desk")


class Member(models.Model):
    email = models.EmailField(_("e-mail"), unique=True)
    display_name = models.CharField(_("display name"), max_length=60)
    avatar = models.ImageField(_("avatar"), upload_to="community/avatars/", blank=True)
    approved_posts = models.PositiveIntegerField(default=0, editable=False)
    wants_digest = models.BooleanField(_("weekly digest by e-mail"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("community member")
        verbose_name_plural = _("community members")

    def __str__(self) -> str:
        return self.display_name

    @property
    def trusted(self) -> bool:
        """New members are pre-moderated until a few of their posts were approved (Discourse-like)."""
        return self.approved_posts >= settings.CITYDESK_COMMUNITY_TRUST_AFTER


class SignInLink(models.Model):
    """A one-time link by e-mail (no passwords to leak); only its hash is stored."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"link for {self.member_id}"


class Post(models.Model):
    """What stories and comments share: an author (gone when the account is deleted), a text, a state."""

    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("text"), max_length=5000)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    category = models.CharField(_("category"), max_length=30, choices=ModerationCategory.choices, blank=True)
    public_reason = models.CharField(_("public reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    # checks.fingerprint(checked_text), kept with the post: copies of rejected spam are found by one query.
    fingerprint = models.CharField(max_length=32, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fingerprint = checks.fingerprint(self.checked_text)
        if kwargs.get("update_fields") is not None and {"text", "title"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = {*kwargs["update_fields"], "fingerprint"}
        super().save(*args, **kwargs)

    @property
    def checked_text(self) -> str:
        """What the checks read: a story's title and text, a comment's text."""
        return f"{getattr(self, 'title', '')}\n{self.text}".strip()

    @property
    def author_name(self) -> str:
        return self.member.display_name if self.member_id else str(_("A former member"))


class Story(Post):
    title = models.CharField(_("title"), max_length=150)
    photo = models.ImageField(_("photo"), upload_to="community/stories/", blank=True)
    place = models.CharField(_("place"), max_length=150, blank=True)
    consent = models.BooleanField(_("consent to publish"), default=False)
    featured = models.BooleanField(_("featured"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        constraints = [models.CheckConstraint(condition=models.Q(consent=True), name="story_has_consent")]

    def __str__(self) -> str:
        return self.title


class Comment(Post):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="community_comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("reply to")
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("reader comment")
        verbose_name_plural = _("reader comments")

    def __str__(self) -> str:
        return self.text[:60]


class Flag(models.Model):
    """A reader reports a comment, with a category."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    member = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    category = models.CharField(max_length=30, choices=ModerationCategory.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "member"], name="one_flag_per_member")]

    def __str__(self) -> str:
        return f"flag {self.category} on {self.comment_id}"


class Decision(models.Model):
    """The audit log: every moderation decision and appeal outcome, who made it and why."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        HIDE = "hide", _("Hidden")
        ESCALATE = "escalate", _("Sent to the fact-check desk")
        FEATURE = "feature", _("Featured")
        APPEAL_UPHELD = "appeal_upheld", _("Appeal: decision kept")
        APPEAL_GRANTED = "appeal_granted", _("Appeal: decision reversed")

    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    category = models.CharField(max_length=30, choices=ModerationCategory.choices, blank=True)
    public_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.story_id or self.comment_id}"


class Appeal(models.Model):
    """An author asks once for a decision to be looked at again."""

    story = models.OneToOneField(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="appeal")
    comment = models.OneToOneField(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="appeal")
    text = models.TextField(_("why the decision should change"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    granted = models.BooleanField(null=True)

    def __str__(self) -> str:
        return f"appeal on {self.story_id or self.comment_id}"


class WeeklyDigest(models.Model):
    """The week's positive news: featured stories and most-read articles, assembled automatically,
    edited by an editor, sent by e-mail to members who asked for it and through the channels outbox."""

    week_start = models.DateField(_("week starting"), unique=True)
    intro = models.TextField(_("introduction"), max_length=2000, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")

    def __str__(self) -> str:
        return f"{self.week_start:%d/%m/%Y}"


class DigestItem(models.Model):
    digest = models.ForeignKey(WeeklyDigest, on_delete=models.CASCADE, related_name="items")
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        "newsroom.ArticlePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reads = models.PositiveIntegerField(default=0)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return str(self.story or self.article)
