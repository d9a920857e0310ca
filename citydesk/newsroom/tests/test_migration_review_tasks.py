"""Migration newsroom/0005 turns the workflow's steps into ReviewTasks in place: a page in review stays."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Task, TaskState

from citydesk.newsroom import services
from citydesk.newsroom.models import ReviewTask
from citydesk.newsroom.workflow import EXPERT_REVIEW_TASK

pytestmark = pytest.mark.usefixtures("latest_migrations_after")


BEFORE, AFTER = [("newsroom", "0004_article_reads")], [("newsroom", "0005_review_steps_exclude_authors")]


def test_steps_become_review_tasks_with_their_ids_and_pages_in_review(
    transactional_db, make_article, contributor_user, editor_user
):
    article = make_article()
    services.article_submit_for_review(article=article, user=contributor_user)
    task_state = article.current_workflow_state.current_task_state
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert Task.objects.get(pk=task_state.task_id).content_type.model == "groupapprovaltask"

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    task = Task.objects.get(pk=task_state.task_id).specific
    assert isinstance(task, ReviewTask)
    assert task.name == EXPERT_REVIEW_TASK
    assert TaskState.objects.get(pk=task_state.pk).task_id == task.pk
    assert task.groups.exists()
    # The author still cannot approve; an editor can.
    assert not task.get_actions(article, contributor_user)
    services.article_review(article=article, user=editor_user, approve=True)
