"""The newsroom's two-person rule: who wrote a page, and who may therefore not approve or publish it alone.

The authors of a page's pending changes are its owner, the users of the contributors in its byline, the
person who submitted it to the review workflow, and everyone who saved a revision of it since it was
last published (a reviewer who edits an article during review becomes one of its authors). None of them
approves a review step of that page (`models.ReviewTask`), and none of them publishes it without the
workflow (`wagtail_hooks`): an editor publishes directly only pages that somebody else wrote. Superusers
may publish their own changes directly; each such publication is recorded in the page's history as
"published without another person's review". See docs/security.md.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from wagtail.admin.forms.pages import WagtailAdminPageForm
from wagtail.models import Page

# Set on a page by ReviewedPageForm.save(): True when the admin form carried no change of content, so the
# revision Wagtail saves when someone presses "Publish" does not make them an author.
UNCHANGED_FLAG = "_citydesk_saved_unchanged"
# Form fields that decide when or how a page is published, not what it says.
NOT_CONTENT = {"go_live_at", "expire_at", "comment_notifications"}
LOG_UNREVIEWED = "citydesk.publish_without_review"


class ReviewedPageForm(WagtailAdminPageForm):
    """The admin form of every citydesk page type: it notes whether the person saving changed the content."""

    def content_changed(self) -> bool:
        if set(self.changed_data) - NOT_CONTENT:
            return True
        return any(
            form.has_changed()
            for name, formset in self.formsets.items()
            if name != "comments"  # a review comment is not a change of the page
            for form in formset.forms
        )

    def save(self, commit=True):
        page = super().save(commit=commit)
        setattr(page, UNCHANGED_FLAG, not self.content_changed())
        return page


def page_authors(page, *, ignore_revision_id: int | None = None) -> set[int]:
    """Ids of the users who wrote the page's changes not yet published (see the module's docstring)."""
    page = page.specific if type(page) is Page else page
    authors = {page.owner_id}
    bylines = getattr(page, "bylines", None)
    if bylines is not None and page.pk:
        authors |= set(bylines.values_list("contributor__user_id", flat=True))
    if page.pk:
        revisions = page.revisions.all()
        live_revision = page.live_revision
        if live_revision is not None:
            revisions = revisions.filter(created_at__gt=live_revision.created_at)
        if ignore_revision_id is not None:
            revisions = revisions.exclude(pk=ignore_revision_id)
        authors |= set(revisions.values_list("user_id", flat=True))
        state = page.current_workflow_state
        if state is not None:
            authors.add(state.requested_by_id)
    authors.discard(None)
    return authors


def is_author(user: AbstractBaseUser, page, *, ignore_revision_id: int | None = None) -> bool:
    return user.pk in page_authors(page, ignore_revision_id=ignore_revision_id)


def publish_refusal(user: AbstractBaseUser, page, *, ignore_revision_id: int | None = None) -> str | None:
    """Why user may not publish page without the review workflow, or None when they may."""
    if user.is_superuser:
        return None
    if not page.permissions_for_user(user).can_publish():
        return _("You do not have permission to publish this page.")
    if is_author(user, page, ignore_revision_id=ignore_revision_id):
        return own_work_refusal()
    return None


def own_work_refusal() -> str:
    return _(
        "You wrote or changed this page, so it cannot go live on your word alone: "
        "submit it for review and another editor will approve it. Your changes are saved as a draft."
    )
