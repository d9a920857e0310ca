"""Units of the office's network and the people who write for it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Unit(index.Indexed, models.Model):
    """A department, ward or partner institution that people belong to and work is credited to."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("Information office")
        DEPARTMENT = "department", _("Department")
        WARD = "ward", _("Ward or commune")
        PARTNER = "partner", _("Partner institution")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    description = models.TextField(_("description"), blank=True)
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unit admins"),
        blank=True,
        related_name="administered_units",
        help_text=_("Unit admins who manage this unit's people and accounts besides those of its own staff"),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("administrators", permission="superuser"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class ExpertiseTag(TaggedItemBase):
    """An area of expertise of a contributor (dengue fever, flood safety, urban planning, ...)."""

    content_object = ParentalKey("core.ContributorProfile", on_delete=models.CASCADE, related_name="expertise_items")


class ContributorProfile(index.Indexed, ClusterableModel):
    """A person who writes for the office: staff, expert or volunteer collaborator."""

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available for new work")
        LIMITED = "limited", _("Limited availability")
        UNAVAILABLE = "unavailable", _("Not available now")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributor_profile",
    )
    name = models.CharField(_("full name"), max_length=200)
    title = models.CharField(
        _("title or position"),
        max_length=200,
        blank=True,
        help_text=_("For example: MD, head of the epidemiology unit"),
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="contributors")
    expertise = ClusterTaggableManager(
        through=ExpertiseTag, blank=True, verbose_name=_("areas of expertise"), help_text=_("Comma-separated topics")
    )
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Languages they write in, comma-separated")
    )
    availability = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, default=Availability.AVAILABLE
    )
    availability_note = models.CharField(
        _("availability note"), max_length=200, blank=True, help_text=_("For example: away until 15 December")
    )
    email_digest = models.BooleanField(
        _("one email a day"),
        default=False,
        help_text=_("Collect notifications into one daily email instead of one email each"),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive contributors keep their bylines but get no new work")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("title"),
        FieldPanel("unit"),
        # The log-in a profile speaks for is set by the invitation or by a superuser, never by an editor:
        # deactivating a contributor disables that log-in.
        FieldPanel("user", permission="superuser"),
        FieldPanel("expertise"),
        FieldPanel("languages"),
        FieldPanel("availability"),
        FieldPanel("availability_note"),
        FieldPanel("email_digest"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("is_active"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("bio"),
        index.SearchField("title"),
        index.AutocompleteField("name"),
        index.RelatedFields("expertise", [index.SearchField("name")]),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")

    def __str__(self) -> str:
        return self.name

    @property
    def byline(self) -> str:
        """Name with unit, as printed under an article."""
        return f"{self.name} ({self.unit.short_name or self.unit.name})"
