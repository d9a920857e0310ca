"""The newsroom's two-person rule under attack, over HTTP as the demo's roles would try it.

Nobody approves a review step of a page they wrote, submitted or changed since its last publication;
"Publish" without the workflow is for editors on other people's work, and for superusers (recorded).
See docs/security.md.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import PageLogEntry

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.core.models import ContributorProfile
from citydesk.newsroom import services
from citydesk.newsroom.models import ArticlePage, ReviewTask
from citydesk.newsroom.review import LOG_UNREVIEWED
from citydesk.newsroom.tests.admin_forms import article_form, edit_form
from citydesk.newsroom.workflow import EDITOR_APPROVAL_TASK, EXPERT_REVIEW_TASK

pytestmark = pytest.mark.django_db


def step_of(article):
    article.refresh_from_db()
    state = article.current_workflow_state
    return state.current_task_state.task.name if state else None


def approve_url(article):
    task_state = article.current_workflow_state.current_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk])


def submit(client, article):
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]), edit_form(article, action="action-submit")
    )
    assert response.status_code == 302
    assert step_of(article) == EXPERT_REVIEW_TASK


def refused(response):
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard and a message."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


@pytest.fixture
def second_editor(db):
    return make_user("bientap2", roles.EDITOR)


@pytest.fixture
def expert_author(unit):
    """Like the demo's "chuyengia": a contributor who is also an expert reviewer."""
    return make_user("chuyengia-tacgia", roles.CONTRIBUTOR, roles.EXPERT_REVIEWER, unit=unit)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("quantri", "quantri@x.vn", "pw-quantri")


def article_by(topic, unit, user, profile=None):
    profile = profile or ContributorProfile.objects.get_or_create(name="Tác giả khách", unit=unit)[0]
    return services.article_create(
        topic=topic,
        title=f"Bài của {user.username}",
        lead="Sapo.",
        paragraphs=["Nội dung bài viết."],
        unit=unit,
        contributors=[profile],
        owner=user,
    )


def test_the_workflow_steps_are_review_tasks(make_article):
    tasks = [task.specific for task in make_article().get_workflow().tasks]
    assert [type(task) for task in tasks] == [ReviewTask, ReviewTask]


def test_expert_author_cannot_approve_the_expert_step_of_their_own_article(client, topic, unit, expert_author):
    article = article_by(topic, unit, expert_author, expert_author.contributor_profile)
    client.force_login(expert_author)
    submit(client, article)
    refused(client.post(approve_url(article), {"comment": ""}))
    assert step_of(article) == EXPERT_REVIEW_TASK
    # Nor through the editor's own "approve" button.
    data = {**edit_form(article), "action-workflow-action": "true", "workflow-action-name": "approve"}
    client.post(reverse("wagtailadmin_pages:edit", args=[article.pk]), data)
    assert step_of(article) == EXPERT_REVIEW_TASK


def test_editor_who_submitted_their_article_cannot_approve_either_step(
    client, topic, unit, editor_user, second_editor, contributor_user
):
    article = article_by(topic, unit, editor_user)
    client.force_login(editor_user)
    submit(client, article)
    refused(client.post(approve_url(article), {"comment": ""}))
    assert step_of(article) == EXPERT_REVIEW_TASK

    client.force_login(second_editor)
    assert client.post(approve_url(article), {"comment": ""}).status_code == 302
    assert step_of(article) == EDITOR_APPROVAL_TASK
    client.force_login(editor_user)
    refused(client.post(approve_url(article), {"comment": ""}))
    article.refresh_from_db()
    assert not article.live

    client.force_login(second_editor)
    assert client.post(approve_url(article), {"comment": ""}).status_code == 302
    article.refresh_from_db()
    assert article.live


def test_reviewer_who_rewrites_the_article_cannot_approve_the_rewrite(
    client, make_article, contributor_user, editor_user
):
    article = make_article()
    client.force_login(contributor_user)
    submit(client, article)

    client.force_login(editor_user)
    data = {**edit_form(article), "lead": "Sapo do biên tập viên viết lại."}
    data.update({"action-workflow-action": "true", "workflow-action-name": "approve"})
    refused(client.post(reverse("wagtailadmin_pages:edit", args=[article.pk]), data))
    assert step_of(article) == EXPERT_REVIEW_TASK  # the approval did not happen; the rewrite is only a draft
    # The editor's approve button is gone now, and the action refused.
    refused(client.post(approve_url(article), {"comment": ""}))
    assert step_of(article) == EXPERT_REVIEW_TASK


def test_an_author_does_not_see_their_own_article_as_awaiting_their_review(client, topic, unit, editor_user):
    article = article_by(topic, unit, editor_user)
    client.force_login(editor_user)
    submit(client, article)
    task = article.current_workflow_state.current_task_state.task.specific
    assert not task.get_task_states_user_can_moderate(editor_user).exists()


def test_editor_cannot_publish_their_own_new_article_directly(client, topic, unit, editor_user):
    client.force_login(editor_user)
    add_url = reverse("wagtailadmin_pages:add", args=["newsroom", "articlepage", topic.pk])
    assert 'name="action-publish"' not in client.get(add_url).content.decode()
    profile = ContributorProfile.objects.create(name="Biên Tập", unit=unit, user=editor_user)
    data = article_form(
        title="Bài tự viết tự đăng",
        slug="bai-tu-viet-tu-dang",
        lead="Sapo.",
        unit_id=unit.pk,
        paragraphs=["Nội dung."],
        contributor_ids=[profile.pk],
        action="action-publish",
    )
    response = client.post(add_url, data, follow=True)
    article = ArticlePage.objects.get(slug="bai-tu-viet-tu-dang")
    assert not article.live  # kept as a draft
    assert "gửi duyệt" in response.content.decode()


def test_editor_cannot_publish_their_own_draft_from_the_editor(client, topic, unit, editor_user):
    article = article_by(topic, unit, editor_user)
    client.force_login(editor_user)
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    assert 'name="action-publish"' not in client.get(edit_url).content.decode()
    response = client.post(edit_url, edit_form(article, action="action-publish"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.live


def test_editor_publishes_someone_elses_article_unchanged(client, make_article, editor_user):
    article = make_article()
    client.force_login(editor_user)
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    assert 'name="action-publish"' in client.get(edit_url).content.decode()
    client.post(edit_url, edit_form(article))  # the Draftail round trip settles the body once
    client.force_login(make_user("bientap3", roles.EDITOR))
    article.refresh_from_db()
    response = client.post(edit_url, edit_form(article, action="action-publish"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.live


def test_editor_cannot_change_someone_elses_article_and_publish_in_one_click(client, make_article, editor_user):
    article = make_article()
    client.force_login(editor_user)
    data = {**edit_form(article, action="action-publish"), "lead": "Sapo biên tập viên sửa, chưa ai duyệt."}
    client.post(reverse("wagtailadmin_pages:edit", args=[article.pk]), data)
    article.refresh_from_db()
    assert not article.live
    assert article.get_latest_revision_as_object().lead == "Sapo biên tập viên sửa, chưa ai duyệt."  # a draft


def test_editor_cannot_bulk_publish_their_own_draft(client, topic, unit, editor_user):
    article = article_by(topic, unit, editor_user)
    client.force_login(editor_user)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={article.pk}"
    response = client.post(url, {"include_descendants": ""})
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.live


def test_editor_cannot_bulk_publish_own_draft_under_someone_elses_page(client, topic, unit, editor_user, second_editor):
    article_by(topic, unit, editor_user)
    client.force_login(editor_user)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={topic.pk}"
    client.post(url, {"include_descendants": "on"})
    assert not ArticlePage.objects.filter(owner=editor_user, live=True).exists()


def test_the_publish_service_refuses_an_editors_own_article(topic, unit, editor_user):
    from django.core.exceptions import PermissionDenied

    article = article_by(topic, unit, editor_user)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, user=editor_user)
    article.refresh_from_db()
    assert not article.live


def test_a_superuser_publishing_their_own_article_is_recorded(client, topic, unit, superuser, make_article):
    article = article_by(topic, unit, superuser)
    client.force_login(superuser)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]), edit_form(article, action="action-publish")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.live
    entry = PageLogEntry.objects.get(page=article, action=LOG_UNREVIEWED)
    assert entry.user == superuser
    history = client.get(reverse("wagtailadmin_pages:history", args=[article.pk])).content.decode()
    assert "Xuất bản không qua duyệt" in history

    # Someone else's article published by a superuser is an ordinary publication.
    other = make_article(title="Bài của cộng tác viên")
    client.post(reverse("wagtailadmin_pages:edit", args=[other.pk]), edit_form(other))
    other.refresh_from_db()
    client.force_login(get_user_model().objects.create_superuser("quantri2", "q2@x.vn", "pw"))
    client.post(reverse("wagtailadmin_pages:edit", args=[other.pk]), edit_form(other, action="action-publish"))
    other.refresh_from_db()
    assert other.live
    assert not PageLogEntry.objects.filter(page=other, action=LOG_UNREVIEWED).exists()


def test_editors_cannot_edit_a_clarification_in_the_page_editor(client, editor_user, lead_and_clarification):
    page = lead_and_clarification
    client.force_login(editor_user)
    data = {"title": "Tiêu đề do biên tập viên sửa", "slug": page.slug, "comments-TOTAL_FORMS": "0"}
    data.update({"comments-INITIAL_FORMS": "0", "comments-MIN_NUM_FORMS": "0", "comments-MAX_NUM_FORMS": "1000"})
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), {**data, "action-publish": "action-publish"})
    page.refresh_from_db()
    assert page.title != "Tiêu đề do biên tập viên sửa"
    assert page.get_latest_revision_as_object().title != "Tiêu đề do biên tập viên sửa"
    client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    page.refresh_from_db()
    assert page.live


@pytest.fixture
def lead_and_clarification(unit):
    from citydesk.desk import services as desk
    from citydesk.desk.models import Channel

    verifier = make_user("kiemchung", roles.DESK_VERIFIER)
    lead = make_user("truongnhom", roles.DESK_LEAD)
    claim = desk.report_receive(channel=Channel.WEB, text="Tin đồn cần làm rõ").claim
    desk.evidence_add(claim=claim, actor=verifier, url="https://example.gov.vn/a", title="Nguồn")
    desk.verdict_propose(claim=claim, verifier=verifier, rating="false", summary="Sai.", explanation="Vì nguồn.")
    return desk.verdict_approve(claim=claim, approver=lead)
