"""Wagtail's review and publishing events, turned into assignment states and notifications."""

from .services import (
    assignment_changes_requested,
    assignment_published,
    assignment_submitted,
    review_comment,
    review_step_approved,
)


def _page(workflow_state):
    page = workflow_state.content_object
    return getattr(page, "specific", page)


def on_task_submitted(sender, instance, user=None, **kwargs):
    # Sent when review starts and again when a draft sent back for changes is resubmitted (Wagtail's
    # "resume" sends no workflow_submitted); later steps find the assignment already submitted.
    assignment_submitted(page=_page(instance.workflow_state), user=user)


def on_workflow_rejected(sender, instance, user=None, **kwargs):
    task_state = instance.current_task_state
    comment = (task_state.comment if task_state else "") or ""
    assignment_changes_requested(page=_page(instance), user=user, comment=comment)


def on_task_approved(sender, instance, user=None, **kwargs):
    # instance is the approved TaskState
    review_step_approved(page=_page(instance.workflow_state), user=user, step=instance.task.name)


def on_page_published(sender, instance, revision=None, **kwargs):
    user = revision.user if revision is not None else None
    assignment_published(page=instance, user=user)


def on_comment_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        review_comment(page=instance.page, user=instance.user, text=instance.text)
