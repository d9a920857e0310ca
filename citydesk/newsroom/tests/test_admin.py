import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_is_vietnamese_by_default(client, editor_user):
    client.force_login(editor_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '<html lang="vi"' in html
    assert "Trang tổng quan" in html  # "Dashboard" in Wagtail's own Vietnamese catalogue


def test_admin_switches_to_english_for_a_user_who_chooses_it(client, editor_user):
    from wagtail.users.models import UserProfile

    UserProfile.get_for_user(editor_user).__class__.objects.filter(user=editor_user).update(preferred_language="en")
    client.force_login(editor_user)
    assert '<html lang="en"' in client.get(reverse("wagtailadmin_home")).content.decode()


def test_invalid_article_form_gives_vietnamese_errors_and_stores_nothing(client, editor_user, topic):
    from citydesk.newsroom.models import ArticlePage

    client.force_login(editor_user)
    url = reverse("wagtailadmin_pages:add", args=["newsroom", "articlepage", topic.pk])
    data = {"title": "", "slug": "", "lead": "", "body-count": "0", "unit": ""}
    for prefix in ("bylines", "comments"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trường này là bắt buộc." in html
    assert not ArticlePage.objects.exists()


def test_invalid_contributor_form_gives_vietnamese_errors(client, unit):
    from citydesk.conftest import make_user
    from citydesk.core import roles
    from citydesk.core.models import ContributorProfile

    client.force_login(make_user("quantridonvi", roles.UNIT_ADMIN))
    url = reverse("wagtailsnippets_core_contributorprofile:add")
    response = client.post(url, {"name": "", "unit": unit.pk, "expertise": "", "bio": "x" * 1001})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trường này là bắt buộc." in html
    assert "tối đa 1000 kí tự" in html
    assert not ContributorProfile.objects.exists()


def test_contributor_sees_no_people_admin(client, contributor_user):
    client.force_login(contributor_user)
    response = client.get(reverse("wagtailsnippets_core_unit:add"))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_contributor_writes_an_article_in_the_admin_and_submits_it(client, contributor_user, topic, unit):
    from citydesk.newsroom.models import ArticlePage
    from citydesk.newsroom.workflow import EXPERT_REVIEW_TASK

    client.force_login(contributor_user)
    url = reverse("wagtailadmin_pages:add", args=["newsroom", "articlepage", topic.pk])
    assert client.get(url).status_code == 200
    data = {
        "title": "Lịch tiêm chủng tháng 12",
        "slug": "lich-tiem-chung-thang-12",
        "lead": "Tiêm chủng mở rộng ngày 10 và 25.",
        "body-count": "1",
        "body-0-type": "paragraph",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-value": '{"blocks":[{"key":"a","text":"Mang theo sổ tiêm chủng.","type":"unstyled",'
        '"depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "unit": unit.pk,
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-contributor": contributor_user.contributor_profile.pk,
        "bylines-0-ORDER": "1",
        "bylines-0-DELETE": "",
        "bylines-0-id": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-submit": "action-submit",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = ArticlePage.objects.get(slug="lich-tiem-chung-thang-12")
    assert not article.live
    assert article.owner == contributor_user
    assert [c.name for c in article.contributors()] == [contributor_user.contributor_profile.name]
    assert article.current_workflow_state.current_task_state.task.name == EXPERT_REVIEW_TASK
