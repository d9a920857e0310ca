import pytest
from django.urls import reverse

from citydesk.newsroom.tests.admin_forms import article_form

pytestmark = pytest.mark.django_db


def test_admin_is_vietnamese_by_default(client, editor_user):
    client.force_login(editor_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '<html lang="vi"' in html
    assert "Bảng điều khiển" in html  # "Dashboard", from citydesk's Wagtail catalogue (docs/translation.md)


def test_admin_switches_to_english_for_a_user_who_chooses_it(client, editor_user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(editor_user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(editor_user)
    assert '<html lang="en"' in client.get(reverse("wagtailadmin_home")).content.decode()


def test_invalid_article_form_gives_vietnamese_errors_and_stores_nothing(client, editor_user, topic):
    from citydesk.newsroom.models import ArticlePage

    client.force_login(editor_user)
    url = reverse("wagtailadmin_pages:add", args=["newsroom", "articlepage", topic.pk])
    response = client.post(url, article_form())
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
    data = article_form(
        title="Lịch tiêm chủng tháng 12",
        slug="lich-tiem-chung-thang-12",
        lead="Tiêm chủng mở rộng ngày 10 và 25.",
        unit_id=unit.pk,
        paragraphs=["Mang theo sổ tiêm chủng."],
        contributor_ids=[contributor_user.contributor_profile.pk],
        action="action-submit",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = ArticlePage.objects.get(slug="lich-tiem-chung-thang-12")
    assert not article.live
    assert article.owner == contributor_user
    assert [c.name for c in article.contributors()] == [contributor_user.contributor_profile.name]
    assert article.current_workflow_state.current_task_state.task.name == EXPERT_REVIEW_TASK


def test_repeated_author_is_a_vietnamese_form_error_not_a_crash(client, editor_user, make_article):
    article = make_article()
    revisions_before = article.revisions.count()
    client.force_login(editor_user)
    data = article_form(
        title=article.title,
        slug=article.slug,
        lead="Sapo mới",
        unit_id=article.unit_id,
        paragraphs=["Nội dung."],
        contributor_ids=[article.bylines.get().contributor_id] * 2,
        byline_ids=[article.bylines.get().pk],
        action="action-publish",
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[article.pk]), data)
    assert response.status_code == 200
    # Django's formset checks the byline's unique constraint and says so in Vietnamese.
    assert "Hãy sửa các giá trị trùng lặp dưới đây." in response.content.decode()
    article.refresh_from_db()
    assert not article.live
    assert article.lead != "Sapo mới"
    assert article.revisions.count() == revisions_before
    assert article.bylines.count() == 1
