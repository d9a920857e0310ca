"""Scorecards keep only what cannot be computed: yearly targets, and reach the platforms reported.
Every other figure is computed from the newsroom, desk, intake and channels data (metrics.py)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class MetricKey(models.TextChoices):
    ARTICLES = "articles", _("Articles published")
    CLARIFICATIONS = "clarifications", _("Clarifications published")
    REPORTS = "reports", _("Reports received")
    ANSWERED = "answered", _("Reports answered at once")
    MEDIAN_HOURS = "median_hours", _("Median hours from first report to clarification")
    P90_HOURS = "p90_hours", _("90th percentile hours from first report to clarification")
    ON_TIME = "on_time", _("Assignments delivered on time")
    OVERDUE = "overdue", _("Assignments overdue")
    DELIVERIES = "deliveries", _("Channel posts sent")
    FAILURES = "failures", _("Channel posts that gave up")
    REACH = "reach", _("Reach reported by the platforms")
    SLA_MET = "sla_met", _("Claims first answered within the response target")
    SLA_MISSED = "sla_missed", _("Claims that missed the response target")
    TRAINED = "trained", _("People who completed a training course")
    TRAINING_ON_TIME = "training_on_time", _("Training completed on time (%)")
    TRAINING_SCORE = "training_score", _("Average training score (%)")


class Target(models.Model):
    """A unit's target for one metric in one year, set by a unit admin."""

    unit = models.ForeignKey("core.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    metric = models.CharField(_("metric"), max_length=20, choices=MetricKey.choices)
    value = models.FloatField(_("target"), validators=[MinValueValidator(0)])

    panels = [FieldPanel("unit"), FieldPanel("year"), FieldPanel("metric"), FieldPanel("value")]

    class Meta:
        ordering = ["-year", "unit", "metric"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "metric"], name="one_target_per_unit_year_metric")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.get_metric_display()} {self.value:g}"


class ReachEntry(models.Model):
    """How many people a channel reached on a day, as the platform reported it or as typed in (marked)."""

    class Source(models.TextChoices):
        IMPORTED = "imported", _("Imported from the platform")
        MANUAL = "manual", _("Entered by hand")

    account = models.ForeignKey(
        "channels.ChannelAccount", verbose_name=_("channel account"), on_delete=models.CASCADE, related_name="reach"
    )
    date = models.DateField(_("date"))
    reach = models.PositiveIntegerField(_("reach"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=300, blank=True)

    panels = [FieldPanel("account"), FieldPanel("date"), FieldPanel("reach"), FieldPanel("source"), FieldPanel("note")]

    class Meta:
        ordering = ["-date"]
        verbose_name = _("reach entry")
        verbose_name_plural = _("reach entries")
        constraints = [models.UniqueConstraint(fields=["account", "date", "source"], name="one_reach_per_account_day")]

    def __str__(self) -> str:
        return f"{self.account} {self.date}: {self.reach}"
