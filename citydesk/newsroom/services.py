"""State changes of the newsroom: creating articles and moving them through review."""

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import WorkflowState
from wagtail.rich_text import RichText

from citydesk.core.models import ContributorProfile, Unit
from citydesk.core.text import fold_diacritics

from .models import ArticleByline, ArticlePage, TopicPage
from .review import LOG_UNREVIEWED, is_author, publish_refusal


@transaction.atomic
def article_create(
    *,
    topic: TopicPage,
    title: str,
    lead: str,
    paragraphs: Sequence[str],
    unit: Unit,
    contributors: Sequence[ContributorProfile],
    owner: AbstractBaseUser | None = None,
    slug: str = "",
    main_image=None,
    main_image_alt: str = "",
    complete: bool = True,
) -> ArticlePage:
    """Create an article as a draft under its topic, with one paragraph block per string.

    complete=False makes an empty draft for someone to write (no lead or body yet); the editor's form
    and publishing still require them."""
    if not contributors:
        raise ValidationError(_("An article needs at least one author."))
    article = ArticlePage(
        title=title,
        slug=slug or slugify(fold_diacritics(title))[:200],
        lead=lead,
        body=[("paragraph", _rich_text(paragraph)) for paragraph in paragraphs],
        unit=unit,
        owner=owner,
        live=False,
        main_image=main_image,
        main_image_alt=main_image_alt,
    )
    article.bylines = [ArticleByline(contributor=contributor) for contributor in contributors]
    topic.add_child(instance=article)
    article.save_revision(user=owner, log_action=True, clean=complete)
    return article


def _rich_text(paragraph: str) -> RichText:
    return RichText(f"<p>{escape(paragraph)}</p>")


def article_publish(*, article: ArticlePage, user: AbstractBaseUser | None, go_live_at: datetime | None = None) -> None:
    """Publish the latest revision now, or schedule it for go_live_at; only for users who may publish it
    without the review workflow (review.py: never its own authors; superusers are recorded). user=None is
    the system itself (the demo, scheduled jobs)."""
    unreviewed = False
    if user is not None:
        if not article.permissions_for_user(user).can_publish():
            raise PermissionDenied(_("You do not have permission to publish this article."))
        refusal = publish_refusal(user, article)
        if refusal:
            raise PermissionDenied(refusal)
        unreviewed = is_author(user, article)  # a superuser's own changes
    article.go_live_at = go_live_at
    revision = article.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    if unreviewed:
        log(instance=article, action=LOG_UNREVIEWED, user=user)


def article_submit_for_review(*, article: ArticlePage, user: AbstractBaseUser) -> WorkflowState:
    """Start the review workflow (expert review, then editor approval) on the latest revision."""
    workflow = article.get_workflow()
    if workflow is None:
        raise ValidationError(_("No review workflow applies to this article."))
    if article.current_workflow_state is not None:
        raise ValidationError(_("This article is already in review."))
    article.save_revision(user=user, log_action=True)
    return workflow.start(article, user)


def article_review(*, article: ArticlePage, user: AbstractBaseUser, approve: bool, comment: str = "") -> None:
    """Approve or reject the article's current review step as user."""
    state = article.current_workflow_state
    if state is None:
        raise ValidationError(_("This article is not in review."))
    task_state = state.current_task_state
    task = task_state.task.specific
    if not any(action == ("approve" if approve else "reject") for action, *_rest in task.get_actions(article, user)):
        raise PermissionDenied(_("You cannot review this step."))
    task.on_action(task_state, user, "approve" if approve else "reject", comment=comment)


def accounts_that_carried(article: ArticlePage):
    """The office's channel accounts this article was sent to (sent, or at least queued)."""
    from citydesk.channels.models import ChannelAccount

    return ChannelAccount.objects.filter(is_active=True, deliveries__publication__page=article).distinct()


@transaction.atomic
def article_correct(
    *, article: ArticlePage, user: AbstractBaseUser, what_changed: str, reason: str, send_to_channels: bool = False
):
    """Append a public correction to a published article (editors who may publish it); optionally send
    "Đính chính: …" through the outbox to the accounts that carried it."""
    from citydesk.channels import services as channels

    from .models import ArticleCorrection

    if not article.permissions_for_user(user).can_publish():
        raise PermissionDenied(_("Only editors who may publish this article can correct it."))
    if not article.live:
        raise ValidationError(_("Only a published article can get a correction; edit the draft instead."))
    what_changed, reason = (what_changed or "").strip(), (reason or "").strip()
    if not what_changed or not reason:
        raise ValidationError(_("Say what changed and why."))
    correction = ArticleCorrection(article=article, what_changed=what_changed, reason=reason, created_by=user)
    correction.full_clean()
    correction.save()
    if send_to_channels:
        accounts = list(accounts_that_carried(article))
        if not accounts:
            raise ValidationError(_("This article was not sent to any channel."))
        channels.publish(
            page=article,
            accounts=accounts,
            actor=user,
            title=_("Correction: %(title)s") % {"title": article.title},
            summary=f"{what_changed}\n{reason}",
            link=article.get_full_url(),
        )
    return correction
