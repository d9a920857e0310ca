"""The public site's pages: home, topics and articles."""

import threading
import time
from collections import Counter

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import GroupApprovalTask, Orderable, Page
from wagtail.search import index

from citydesk.core.text import fold_diacritics

from .blocks import ArticleBodyBlock
from .pagecache import PublicPageCacheMixin, fragments
from .review import ReviewedPageForm, is_author

ARTICLES_PER_PAGE = 12


def per_generation(page, name, build):
    """build() once per page-cache generation, page and live revision in this process (parts.py), for a
    page loaded by a remembered route (pagecache.RouteMemoMiddleware sets its generation); every time
    for other pages (previews, drafts, no shared cache)."""
    key = ("part", name, page.pk, page.live_revision_id)
    return fragments.remember_for(getattr(page, "_citydesk_generation", None), key, build)


class HomePage(PublicPageCacheMixin, Page):
    """The site's front page: latest articles and the list of topics."""

    base_form_class = ReviewedPageForm  # notes who changed the content (review.py)

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["newsroom.TopicPage", "desk.FactCheckIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


class TopicPage(PublicPageCacheMixin, Page):
    """A topic of the newsroom (city services, weather safety, tourism, health, ...)."""

    base_form_class = ReviewedPageForm  # notes who changed the content (review.py)

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    show_in_menus_default = True  # a new topic appears in the site's navigation
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = ["newsroom.ArticlePage"]

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class ArticlePage(PublicPageCacheMixin, Page):
    """A news article or explainer, credited to its contributors and their unit."""

    base_form_class = ReviewedPageForm  # notes who changed the content (review.py)

    lead = models.TextField(_("lead"), max_length=600, help_text=_("One or two sentences shown in lists and feeds"))
    main_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    main_image_alt = models.CharField(
        _("main image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for readers who cannot see it"),
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"))
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    channels = ParentalManyToManyField(
        "channels.ChannelAccount",
        verbose_name=_("send to channels when published"),
        blank=True,
        related_name="+",
        help_text=_("The office's accounts this article goes to when it is first published"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("lead"),
        MultiFieldPanel([FieldPanel("main_image"), FieldPanel("main_image_alt")], heading=_("Main image")),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("unit"), InlinePanel("bylines", label=_("Author"))], heading=_("Byline")),
    ]
    settings_panels = Page.settings_panels + [FieldPanel("channels", widget=forms.CheckboxSelectMultiple)]
    search_fields = Page.search_fields + [index.SearchField("search_text")]
    counts_reads = True  # the page cache counts a read for every copy it serves
    parent_page_types = ["newsroom.TopicPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    # No route_select_related (pagecache.RouteMemoMiddleware): the unit and the main image are shown only
    # in parts kept per generation (parts.py), and the joins doubled the cost of compiling the query that
    # loads the page on every render (about 0.6 ms of 2 ms).

    @cached_property
    def topic(self):
        """The topic page the article is filed under (its parent: a topic, see parent_page_types)."""
        parent = getattr(self, "_cached_parent_obj", None)  # set by the routing
        if isinstance(parent, TopicPage):
            return parent
        topic = TopicPage.objects.filter(path=self.path[: -self.steplen]).first()
        return topic if topic is not None else self.get_parent().specific

    def body_text(self) -> str:
        """The body as plain text, for search and summaries."""
        parts = []
        for block in self.body:
            if block.block_type == "paragraph":
                parts.append(strip_tags(block.value.source))
            elif block.block_type == "quote":
                parts.append(str(block.value))
            elif block.block_type == "figure":
                parts.append(block.value.get("caption") or "")
        return " ".join(part for part in parts if part)

    def search_text(self) -> str:
        """Title, lead, body and bylines without diacritics, so "da nang" finds "Đà Nẵng"."""
        names = " ".join(byline.contributor.name for byline in self.bylines.all() if byline.contributor_id)
        return fold_diacritics(" ".join([self.title, self.lead, self.body_text(), names]))

    def contributors(self):
        """The credited contributors, in byline order (read once per instance: the byline and the
        JSON-LD both show them; once per generation for a page loaded by a remembered route)."""
        if not hasattr(self, "_contributors"):
            self._contributors = per_generation(
                self,
                "contributors",
                lambda: tuple(byline.contributor for byline in self.bylines.select_related("contributor__unit")),
            )
        return self._contributors

    @cached_property
    def correction_list(self):
        """The public corrections, oldest first (the page lists them; the JSON-LD's dateModified)."""
        return per_generation(self, "corrections", lambda: tuple(self.corrections.all()))

    def serve(self, request, *args, **kwargs):
        if request.method == "GET" and not getattr(request, "is_preview", False):
            ArticleRead.record(self)
        return super().serve(request, *args, **kwargs)


class ArticleRead(models.Model):
    """How many times an article was read on a day: one number, nothing about who read it."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="reads")
    date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "date"], name="one_read_count_per_day")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.date}: {self.count}"

    @classmethod
    def record(cls, article) -> None:
        """Count one read. Reads are added up in this process and written at most every
        CITYDESK_READ_FLUSH_SECONDS, so a busy article page is not one database write per view."""
        _read_buffer.add(article.pk)

    @classmethod
    def record_id(cls, article_id: int) -> None:
        """Count one read of the article with this id (a copy served by the page cache)."""
        _read_buffer.add(article_id)


class _ReadBuffer:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending: Counter = Counter()
        self._flushed_at = time.monotonic()

    def add(self, article_id: int) -> None:
        with self._lock:
            self._pending[(article_id, timezone.localdate())] += 1
            if time.monotonic() - self._flushed_at < settings.CITYDESK_READ_FLUSH_SECONDS:
                return
            pending, self._pending, self._flushed_at = self._pending, Counter(), time.monotonic()
        self.write(pending)

    @staticmethod
    def write(pending: Counter) -> None:
        for (article_id, day), reads in pending.items():
            try:
                with transaction.atomic():
                    updated = ArticleRead.objects.filter(article_id=article_id, date=day).update(
                        count=F("count") + reads
                    )
                    if not updated:
                        ArticleRead.objects.create(article_id=article_id, date=day, count=reads)
            except IntegrityError:  # another process created the day's row first
                ArticleRead.objects.filter(article_id=article_id, date=day).update(count=F("count") + reads)
            except DatabaseError:
                pass  # reads that cannot be counted must not stop the reader


_read_buffer = _ReadBuffer()


class ArticleByline(Orderable):
    """One contributor credited on an article."""

    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="bylines")
    contributor = models.ForeignKey(
        "core.ContributorProfile", verbose_name=_("contributor"), on_delete=models.PROTECT, related_name="bylines"
    )

    panels = [FieldPanel("contributor")]

    class Meta(Orderable.Meta):
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [models.UniqueConstraint(fields=["article", "contributor"], name="unique_byline_per_article")]


class ReviewTask(GroupApprovalTask):
    """A review step of the newsroom's workflow: members of the chosen groups approve it, except the page's
    own authors (its owner, credited contributors, submitter and whoever changed it since it was last
    published; see review.py). Checked again when the action runs, so an edit saved with the approval
    makes the reviewer an author and the approval is refused."""

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if actions and isinstance(obj, Page) and is_author(user, obj):
            return []
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and is_author(user, task_state.workflow_state.content_object):
            raise PermissionDenied(_("You wrote, submitted or changed this page; another reviewer must approve it."))
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return super().get_task_states_user_can_moderate(user, **kwargs).exclude(workflow_state__requested_by=user)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve this step, except the page's own authors")


class ArticleCorrection(models.Model):
    """A public correction of a published article: what changed, when and why (nothing is edited silently).
    Shown on the article, in its dateModified, and in the public corrections log and its feed."""

    article = models.ForeignKey(
        ArticlePage, verbose_name=_("article"), on_delete=models.CASCADE, related_name="corrections"
    )
    what_changed = models.TextField(_("what changed"), max_length=2000)
    reason = models.TextField(_("why"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("article correction")
        verbose_name_plural = _("article corrections")

    def __str__(self) -> str:
        return self.what_changed[:80]
