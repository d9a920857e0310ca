"""The contributor network: invitations, pitches, assignments with deadlines, and notifications.

Who writes for the office lives in `core.ContributorProfile` (unit, expertise, languages,
availability); this app holds the work that flows between editors and contributors.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """An e-mailed, one-time link that lets a new contributor set up their account."""

    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("full name"), max_length=200)
    title = models.CharField(_("title or position"), max_length=200, blank=True)
    unit = models.ForeignKey("core.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    expertise = models.CharField(
        _("areas of expertise"), max_length=500, blank=True, help_text=_("Comma-separated topics")
    )
    # Only a hash is stored: a leaked database does not leak working links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    profile = models.ForeignKey(
        "core.ContributorProfile",
        verbose_name=_("contributor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Pitch(models.Model):
    """A story a contributor proposes; an editor accepts it (an assignment and a draft) or declines it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    contributor = models.ForeignKey(
        "core.ContributorProfile", verbose_name=_("contributor"), on_delete=models.PROTECT, related_name="pitches"
    )
    title = models.CharField(_("working title"), max_length=255)
    angle = models.TextField(_("angle"), max_length=2000, help_text=_("What the story says and why readers need it"))
    sources = models.TextField(_("sources"), max_length=2000, blank=True, help_text=_("People, documents, data"))
    expected_date = models.DateField(_("expected date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    decline_reason = models.TextField(_("reason for declining"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pitch")
        verbose_name_plural = _("pitches")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="declined_pitch_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """An article requested from a contributor, with a brief, a deadline and its state."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        SUBMITTED = "submitted", _("Draft submitted")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")
        OVERDUE = "overdue", _("Overdue")

    title = models.CharField(_("working title"), max_length=255)
    brief = models.TextField(_("brief"), max_length=4000)
    deadline = models.DateTimeField(_("deadline"))
    contributor = models.ForeignKey(
        "core.ContributorProfile",
        verbose_name=_("contributor"),
        on_delete=models.PROTECT,
        related_name="assignments",
        help_text=_("Writes the draft; it is theirs in the editor"),
    )
    co_authors = models.ManyToManyField(
        "core.ContributorProfile",
        verbose_name=_("co-authors"),
        blank=True,
        related_name="co_assignments",
        help_text=_("Also credited in the byline"),
    )
    topic = models.ForeignKey("newsroom.TopicPage", verbose_name=_("topic"), on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(
        "desk.Claim",
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
        help_text=_("The claim this explainer answers, if any"),
    )
    pitch = models.OneToOneField(
        Pitch, verbose_name=_("pitch"), null=True, blank=True, on_delete=models.SET_NULL, related_name="assignment"
    )
    page = models.OneToOneField(
        "newsroom.ArticlePage",
        verbose_name=_("draft"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignment",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # The first submission decides "on time" for the scorecards; later resubmissions do not move it.
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=1000, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)  # "deadline in 24 h" sent
    overdue_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return self.title

    def authors(self) -> list:
        """The contributor first, then co-authors: the byline of the article."""
        return [self.contributor, *self.co_authors.exclude(pk=self.contributor_id)]

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.ACCEPTED, self.Status.OVERDUE)


class AssignmentEvent(models.Model):
    """One step in an assignment's history: who moved it, from what to what, and why."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.from_status} → {self.to_status}"

    def get_to_status_display(self) -> str:
        # Review sending a draft back moves it submitted → accepted; that step is "changes requested",
        # not the contributor accepting the assignment again.
        if self.from_status == Assignment.Status.SUBMITTED and self.to_status == Assignment.Status.ACCEPTED:
            return str(Notification.Kind.CHANGES_REQUESTED.label)
        return Assignment.Status(self.to_status).label


class Notification(models.Model):
    """Something a person should know about their work, shown in the admin and sent by e-mail."""

    class Kind(models.TextChoices):
        NEW_ASSIGNMENT = "new_assignment", _("New assignment")
        DEADLINE_SOON = "deadline_soon", _("Deadline in 24 hours")
        OVERDUE = "overdue", _("Overdue")
        ACCEPTED = "accepted", _("Assignment accepted")
        DECLINED = "declined", _("Assignment declined")
        SUBMITTED = "submitted", _("Draft submitted")
        COMMENT = "comment", _("Review comment")
        APPROVED = "approved", _("Review step approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        DEADLINE_CHANGED = "deadline_changed", _("New deadline")
        PITCH_NEW = "pitch_new", _("New pitch")
        PITCH_ACCEPTED = "pitch_accepted", _("Pitch accepted")
        PITCH_DECLINED = "pitch_declined", _("Pitch declined")
        TRAINING_ASSIGNED = "training_assigned", _("Training course assigned")
        TRAINING_DUE_SOON = "training_due_soon", _("Training course due soon")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    pitch = models.ForeignKey(Pitch, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    detail = models.TextField(blank=True)  # a comment's text, a reason, a step's name
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["emailed_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def subject(self):
        """What the notification is about: the assignment's or the pitch's title."""
        if self.assignment_id:
            return self.assignment.title
        if self.pitch_id:
            return self.pitch.title
        return ""
