import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from citydesk.newsroom import services
from citydesk.newsroom.tests.admin_forms import edit_form
from citydesk.newsroom.workflow import EDITOR_APPROVAL_TASK, EXPERT_REVIEW_TASK, WORKFLOW_NAME

pytestmark = pytest.mark.django_db


def current_task_name(article):
    article.refresh_from_db()
    state = article.current_workflow_state
    return state.current_task_state.task.name if state else None


def test_every_page_gets_the_two_step_review_workflow(make_article):
    workflow = make_article().get_workflow()
    assert workflow.name == WORKFLOW_NAME
    assert [task.name for task in workflow.tasks] == [EXPERT_REVIEW_TASK, EDITOR_APPROVAL_TASK]


def test_submit_then_expert_then_editor_approval_publishes(
    client, make_article, contributor_user, expert_user, editor_user
):
    article = make_article()
    services.article_submit_for_review(article=article, user=contributor_user)
    assert current_task_name(article) == EXPERT_REVIEW_TASK

    services.article_review(article=article, user=expert_user, approve=True, comment="Số liệu đúng.")
    assert current_task_name(article) == EDITOR_APPROVAL_TASK
    article.refresh_from_db()
    assert not article.live

    services.article_review(article=article, user=editor_user, approve=True)
    article.refresh_from_db()
    assert article.live
    assert article.current_workflow_state is None
    assert client.get(article.url).status_code == 200


def test_contributor_cannot_approve_own_article(make_article, contributor_user):
    article = make_article()
    services.article_submit_for_review(article=article, user=contributor_user)
    with pytest.raises(PermissionDenied):
        services.article_review(article=article, user=contributor_user, approve=True)
    assert current_task_name(article) == EXPERT_REVIEW_TASK


def test_expert_cannot_take_the_editor_step(make_article, contributor_user, expert_user):
    article = make_article()
    services.article_submit_for_review(article=article, user=contributor_user)
    services.article_review(article=article, user=expert_user, approve=True)
    with pytest.raises(PermissionDenied):
        services.article_review(article=article, user=expert_user, approve=True)
    article.refresh_from_db()
    assert not article.live


def test_requested_changes_send_the_article_back(make_article, contributor_user, expert_user):
    article = make_article()
    services.article_submit_for_review(article=article, user=contributor_user)
    services.article_review(article=article, user=expert_user, approve=False, comment="Cần dẫn nguồn.")
    article.refresh_from_db()
    assert article.current_workflow_state.status == "needs_changes"
    assert not article.live


def test_submitting_twice_is_refused(make_article, contributor_user):
    article = make_article()
    services.article_submit_for_review(article=article, user=contributor_user)
    with pytest.raises(ValidationError):
        services.article_submit_for_review(article=article, user=contributor_user)


def test_review_round_trip_through_the_admin(client, make_article, contributor_user, editor_user):
    article = make_article()
    client.force_login(contributor_user)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]), edit_form(article, action="action-submit")
    )
    assert response.status_code == 302
    assert current_task_name(article) == EXPERT_REVIEW_TASK

    client.force_login(editor_user)
    for _step in (EXPERT_REVIEW_TASK, EDITOR_APPROVAL_TASK):
        task_state = article.current_workflow_state.current_task_state
        url = reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk])
        assert client.post(url, {"comment": ""}).status_code == 302
        article.refresh_from_db()
    assert article.live
    public = client.get(article.url)
    assert public.status_code == 200
    assert article.title in public.content.decode()
