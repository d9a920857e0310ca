"""The newsroom's review workflow: expert review, then editor approval, then publication.

`ensure_review_workflow` takes an app registry so the data migration and the test suite share it.
"""

from citydesk.core.roles import EDITOR, EXPERT_REVIEWER

WORKFLOW_NAME = "Quy trình duyệt bài"
EXPERT_REVIEW_TASK = "Thẩm định chuyên môn"
EDITOR_APPROVAL_TASK = "Biên tập viên duyệt"
# Wagtail's blank-project workflow, replaced by ours.
WAGTAIL_STARTER_WORKFLOW = "Moderators approval"

STEPS = [
    # Editors are in the first step too, so an article is never stuck when no expert is free.
    (EXPERT_REVIEW_TASK, [EXPERT_REVIEWER, EDITOR]),
    (EDITOR_APPROVAL_TASK, [EDITOR]),
]


def ensure_review_workflow(apps) -> None:
    """Create the two-step workflow and apply it to the whole page tree; safe to run many times."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Task = apps.get_model("wagtailcore", "Task")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    try:
        # Review steps that the page's own authors cannot approve (newsroom.models.ReviewTask).
        ReviewTask = apps.get_model("newsroom", "ReviewTask")
        task_type, _created = ContentType.objects.get_or_create(app_label="newsroom", model="reviewtask")
    except LookupError:  # the migrations before ReviewTask existed
        ReviewTask = GroupApprovalTask
        task_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")

    Workflow.objects.filter(name=WAGTAIL_STARTER_WORKFLOW).delete()
    Task.objects.filter(name=WAGTAIL_STARTER_WORKFLOW).delete()

    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    for sort_order, (task_name, group_names) in enumerate(STEPS):
        task = ReviewTask.objects.filter(name=task_name).first()
        if task is None and ReviewTask is not GroupApprovalTask:
            task = _convert_in_place(Task, GroupApprovalTask, ReviewTask, task_name, task_type)
        if task is None:
            task = ReviewTask.objects.create(name=task_name, content_type=task_type, active=True)
        task.groups.set(Group.objects.filter(name__in=group_names))
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": sort_order})

    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def _convert_in_place(Task, GroupApprovalTask, ReviewTask, task_name: str, task_type):
    """Turn an existing group approval step into a ReviewTask, keeping its id, so pages in review stay
    on it. None when there is no such step."""
    old = GroupApprovalTask.objects.filter(name=task_name).first()
    if old is None:
        return None
    ReviewTask(groupapprovaltask_ptr_id=old.pk).save_base(raw=True)  # only the child table's row
    Task.objects.filter(pk=old.pk).update(content_type=task_type)
    return ReviewTask.objects.get(pk=old.pk)
