import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.newsroom import services
from citydesk.newsroom.tests.admin_forms import edit_form

pytestmark = pytest.mark.django_db


def test_migration_creates_every_role_group():
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.name for role in roles.ROLES} <= names
    assert not names & set(roles.WAGTAIL_STARTER_GROUPS)


def test_contributor_can_write_but_not_publish(make_article, contributor_user):
    article = make_article()
    permissions = article.permissions_for_user(contributor_user)
    assert permissions.can_edit()
    assert not permissions.can_publish()
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, user=contributor_user)
    article.refresh_from_db()
    assert not article.live


def test_contributor_publish_button_post_does_not_publish(client, make_article, contributor_user):
    article = make_article()
    revisions_before = article.revisions.count()
    client.force_login(contributor_user)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]), edit_form(article, action="action-publish")
    )
    # Wagtail keeps the edit as a draft and sends the contributor back to the editor.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    article.refresh_from_db()
    assert not article.live
    assert article.revisions.count() == revisions_before + 1


def test_editor_can_publish(make_article, editor_user):
    article = make_article()
    assert article.permissions_for_user(editor_user).can_publish()
    services.article_publish(article=article, user=editor_user)
    article.refresh_from_db()
    assert article.live


def test_desk_roles_reach_the_admin_but_cannot_edit_pages(make_article, unit):
    article = make_article()
    for group in (roles.DESK_VERIFIER, roles.DESK_LEAD, roles.MODERATOR):
        user = make_user(f"user-{group}", group)
        assert user.has_perm("wagtailadmin.access_admin")
        assert not article.permissions_for_user(user).can_edit()


def test_unit_admin_manages_units_and_people_not_pages(make_article):
    unit_admin = make_user("quantridonvi", roles.UNIT_ADMIN)
    assert unit_admin.has_perm("core.change_unit")
    assert not unit_admin.has_perm("core.add_unit")  # units and their admins are set by superusers
    assert unit_admin.has_perm("core.change_contributorprofile")
    assert unit_admin.has_perm("auth.add_user")
    assert not make_article().permissions_for_user(unit_admin).can_edit()


def test_ensure_roles_is_idempotent():
    from django.apps import apps

    roles.ensure_roles(apps)
    roles.ensure_roles(apps)
    editors = Group.objects.get(name=roles.EDITOR)
    assert editors.page_permissions.filter(permission__codename="publish_page").count() == 1
