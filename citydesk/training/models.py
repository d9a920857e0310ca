"""Training: cases from the desk's published clarifications, exercises generated from real data,
lessons with quizzes (Wagtail pages), courses assigned to units or people, attempts and completions.

Claims, not people: a case copies only what the public clarification and the claim's aggregate counts
say (never a report's text, link, image or reply handle). A trainee's answers (`Attempt`) are seen by
the trainee, the training managers of the trainee's unit and superusers (`selectors.can_see_attempts`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from citydesk.desk.models import HarmCategory, Rating


class Case(models.Model):
    """One published clarification written up for training: the claim, how it spread, the evidence
    used, the verdict and its reasoning, the time it took and what to look for."""

    claim = models.OneToOneField(
        "desk.Claim", verbose_name=_("claim"), on_delete=models.PROTECT, related_name="training_case"
    )
    title = models.CharField(_("title"), max_length=200)
    statement = models.TextField(_("claim"), max_length=2000)
    category = models.CharField(_("harm category"), max_length=20, choices=HarmCategory.choices)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    summary = models.CharField(_("summary"), max_length=300)
    reasoning = models.TextField(_("reasoning"), max_length=10000)
    sample_message = models.TextField(
        _("the message as it circulated"),
        max_length=2000,
        blank=True,
        help_text=_("Written by the desk for exercises; never a tipster's own words or details"),
    )
    look_for = models.TextField(_("what to look for"), max_length=3000, blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    channels = models.JSONField(_("reports per channel"), default=dict, blank=True)
    appearance_count = models.PositiveIntegerField(_("appearances found"), default=0)
    evidence = models.JSONField(_("evidence used"), default=list, blank=True)  # [{"title", "url", "type"}]
    hours_to_verdict = models.FloatField(_("hours from first report to clarification"), null=True, blank=True)
    is_active = models.BooleanField(_("in the library"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.title


class ExerciseKind(models.TextChoices):
    OFFICIAL = "official", _("Is this official?")
    SCAM = "scam", _("Spot the scam")
    VERIFY = "verify", _("Verify this claim")


class Exercise(models.Model):
    """A generated exercise: the questions a trainee sees and, kept apart, the answer key.

    questions: [{"id", "prompt", "detail", "multiple", "options": [{"id", "label"}]}]
    key: {question id: {"correct": [option ids], "explanations": {option id: text}, "reveal": text}}
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ExerciseKind.choices)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="exercises"
    )
    questions = models.JSONField(default=list)
    key = models.JSONField(default=dict)
    is_public = models.BooleanField(_("in the public quiz"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class QuizOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    explanation = blocks.TextBlock(label=_("explanation"), required=False)


class QuizBlock(blocks.StructBlock):
    """A question with single or multiple choice and an explanation for every option."""

    question = blocks.TextBlock(label=_("question"))
    multiple = blocks.BooleanBlock(label=_("several answers may be right"), required=False)
    options = blocks.ListBlock(QuizOptionBlock(), label=_("answers"), min_num=2)

    class Meta:
        icon = "help"
        label = _("Quiz question")
        template = "training/blocks/quiz.html"


class TrainingIndexPage(Page):
    """The root of the training courses: outside the public site (a child of the tree's root), so its
    pages are read in the admin by signed-in staff only."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["training.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("training section")


class CoursePage(Page):
    """A course: its lessons (child pages) and the generated exercises a trainee must pass."""

    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    include_official = models.BooleanField(_("exercise: Is this official?"), default=True)
    include_scam = models.BooleanField(_("exercise: Spot the scam"), default=True)
    include_verify = models.BooleanField(_("exercise: Verify this claim"), default=True)

    parent_page_types = ["training.TrainingIndexPage"]
    subpage_types = ["training.LessonPage"]
    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("pass_mark"),
        MultiFieldPanel(
            [FieldPanel("include_official"), FieldPanel("include_scam"), FieldPanel("include_verify")],
            heading=_("Exercises from real data"),
        ),
    ]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def exercise_kinds(self) -> list[str]:
        flags = {
            ExerciseKind.OFFICIAL: self.include_official,
            ExerciseKind.SCAM: self.include_scam,
            ExerciseKind.VERIFY: self.include_verify,
        }
        return [kind for kind, on in flags.items() if on]

    def lessons(self):
        return LessonPage.objects.child_of(self).live().order_by("path")

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect("training_course", pk=self.pk)


class LessonPage(Page):
    """A lesson: text and quiz questions, read and answered in "Đào tạo của tôi"."""

    body = StreamField(
        [
            ("heading", blocks.CharBlock(label=_("heading"), form_classname="title")),
            ("paragraph", blocks.RichTextBlock(label=_("paragraph"), features=["bold", "italic", "ol", "ul", "link"])),
            ("quiz", QuizBlock()),
        ],
        verbose_name=_("content"),
    )
    summary = RichTextField(_("summary"), blank=True, features=["bold", "italic", "ul"])

    parent_page_types = ["training.CoursePage"]
    subpage_types = []
    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect("training_lesson", pk=self.pk)


class CourseAssignment(models.Model):
    """A course assigned to a unit (every active member of it) or to one person, with a due date."""

    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_assignments",
    )
    due_date = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        permissions = [("manage_training", _("Can assign courses and see the answers of the unit's trainees"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True, user__isnull=False)
                | models.Q(unit__isnull=False, user__isnull=True),
                name="course_assigned_to_a_unit_or_a_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course.title} → {self.unit or self.user}"


class Attempt(models.Model):
    """One submitted answer sheet of a trainee: to a lesson's quiz or to a generated exercise."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="training_attempts"
    )
    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(
        LessonPage, verbose_name=_("lesson"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    exercise = models.ForeignKey(
        Exercise, verbose_name=_("exercise"), null=True, blank=True, on_delete=models.CASCADE, related_name="attempts"
    )
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveSmallIntegerField(_("score"))
    max_score = models.PositiveSmallIntegerField(_("out of"))
    passed = models.BooleanField(_("passed"))
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lesson__isnull=True, exercise__isnull=False)
                | models.Q(lesson__isnull=False, exercise__isnull=True),
                name="attempt_of_a_lesson_or_an_exercise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson or self.exercise}: {self.score}/{self.max_score}"

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.max_score) if self.max_score else 0


class Completion(models.Model):
    """A course completed by a trainee: every lesson and exercise passed. Carries the certificate code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), db_index=True)
    score = models.PositiveSmallIntegerField(_("average score (%)"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    certificate_code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_completion_per_trainee_and_course")]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"

    @property
    def on_time(self) -> bool:
        from django.utils import timezone

        return self.due_date is None or timezone.localdate(self.completed_at) <= self.due_date


class QuestionTally(models.Model):
    """The public quiz's only memory: how many answers each option of a question got, in total."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="tallies")
    question = models.CharField(max_length=40)
    option = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exercise", "question", "option"], name="one_tally_per_option")]

    def __str__(self) -> str:
        return f"{self.exercise_id}/{self.question}/{self.option}: {self.count}"
