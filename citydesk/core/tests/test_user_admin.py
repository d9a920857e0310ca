"""The user admin over HTTP: who may list, create, edit, grant and deactivate whom (issue 18, finding 1)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.core.models import ContributorProfile, Unit

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def other_unit(db):
    return Unit.objects.create(name="Sở Du lịch", short_name="SDL", kind=Unit.Kind.DEPARTMENT)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("quantri", "quantri@x.vn", "pw-quantri")


@pytest.fixture
def unit_admin(unit):
    admin = make_user("quantridonvi", roles.UNIT_ADMIN)
    unit.administrators.add(admin)
    return admin


@pytest.fixture
def target(unit):
    """A contributor of the unit admin's unit: the user every action is tried on."""
    return make_user("congtacvien", roles.CONTRIBUTOR, unit=unit)


def _group(name):
    return Group.objects.get(name=name)


def edit_data(user, **changes) -> dict:
    """The user edit form as the browser posts it, with `changes`."""
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name or "Lan",
        "last_name": user.last_name or "Võ",
        "is_active": "on" if user.is_active else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": [group.pk for group in user.groups.all()],
        "password1": "",
        "password2": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


def _post_edit(client, user, **changes):
    return client.post(reverse("wagtailusers_users:edit", args=[user.pk]), edit_data(user, **changes))


def _grant(group_name):
    def grant(client, target):
        groups = [group.pk for group in target.groups.all()] + [_group(group_name).pk]
        _post_edit(client, target, groups=groups)
        return target.groups.filter(name=group_name).exists()

    return grant


def _list(client, target):
    response = client.get(reverse("wagtailusers_users:index"))
    return response.status_code == 200 and target.username in response.content.decode()


def _create(client, target):
    client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "moi",
            "email": "moi@x.vn",
            "first_name": "Mới",
            "last_name": "Nguyễn",
            "groups": [_group(roles.CONTRIBUTOR).pk],
            "unit": target.contributor_profile.unit_id,
            "password1": "Mat-khau-dai-2026",
            "password2": "Mat-khau-dai-2026",
        },
    )
    return User.objects.filter(username="moi").exists()


def _edit(client, target):
    _post_edit(client, target, first_name="Đổi")
    target.refresh_from_db()
    return target.first_name == "Đổi"


def _set_password(client, target):
    _post_edit(client, target, password1="Mat-khau-moi-2026", password2="Mat-khau-moi-2026")
    target.refresh_from_db()
    return target.check_password("Mat-khau-moi-2026")


def _grant_superuser(client, target):
    _post_edit(client, target, is_superuser="on")
    target.refresh_from_db()
    return target.is_superuser


def _deactivate(client, target):
    _post_edit(client, target, is_active="")
    target.refresh_from_db()
    return not target.is_active


def _delete(client, target):
    client.post(reverse("wagtailusers_users:delete", args=[target.pk]))
    return not User.objects.filter(pk=target.pk).exists()


ACTIONS = {
    "list": _list,
    "create": _create,
    "edit": _edit,
    "set password": _set_password,
    "grant Expert reviewer": _grant(roles.EXPERT_REVIEWER),
    "grant Editor": _grant(roles.EDITOR),
    "grant Moderator": _grant(roles.MODERATOR),
    "grant Desk lead": _grant(roles.DESK_LEAD),
    "grant Unit admin": _grant(roles.UNIT_ADMIN),
    "grant superuser": _grant_superuser,
    "deactivate": _deactivate,
    "delete": _delete,
}
# Who may do each action to a contributor of their unit; everyone else must fail.
ALLOWED = {
    "list": {"unit admin", "superuser"},
    "create": {"unit admin", "superuser"},
    "edit": {"unit admin", "superuser"},
    "set password": {"superuser"},
    "grant Expert reviewer": {"unit admin", "superuser"},
    "grant Editor": {"superuser"},
    "grant Moderator": {"superuser"},
    "grant Desk lead": {"superuser"},
    "grant Unit admin": {"superuser"},
    "grant superuser": {"superuser"},
    "deactivate": {"unit admin", "superuser"},
    "delete": {"superuser"},
}
ROLE_GROUPS = {
    "contributor": roles.CONTRIBUTOR,
    "expert reviewer": roles.EXPERT_REVIEWER,
    "editor": roles.EDITOR,
    "desk verifier": roles.DESK_VERIFIER,
    "desk lead": roles.DESK_LEAD,
    "moderator": roles.MODERATOR,
    "unit admin": roles.UNIT_ADMIN,
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", [*ROLE_GROUPS, "superuser"])
def test_user_admin_matrix(client, unit, target, role, action):
    if role == "superuser":
        actor = User.objects.create_superuser("actor", "actor@x.vn", "pw")
    else:
        actor = make_user("actor", ROLE_GROUPS[role], unit=unit)
        unit.administrators.add(actor)  # a unit admin of the target's unit (no effect for other roles)
    client.force_login(actor)
    done = ACTIONS[action](client, target)
    assert done == (role in ALLOWED[action]), f"{role} {'could' if done else 'could not'} {action}"


def test_unit_admin_cannot_create_a_superuser(client, unit, unit_admin):
    client.force_login(unit_admin)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "hacker",
            "email": "hacker@x.vn",
            "first_name": "H",
            "last_name": "K",
            "is_superuser": "on",
            "groups": [_group(roles.CONTRIBUTOR).pk],
            "unit": unit.pk,
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="hacker")
    assert not created.is_superuser
    assert not created.has_usable_password()  # the new person sets it through the e-mailed link


def test_unit_admin_cannot_add_itself_to_the_desk_lead_group(client, unit_admin):
    client.force_login(unit_admin)
    groups = [_group(roles.UNIT_ADMIN).pk, _group(roles.DESK_LEAD).pk]
    response = _post_edit(client, unit_admin, groups=groups)
    assert response.status_code in (302, 403, 404)
    assert not unit_admin.groups.filter(name=roles.DESK_LEAD).exists()


def test_unit_admin_cannot_set_the_superusers_password(client, unit, unit_admin, superuser):
    ContributorProfile.objects.create(user=superuser, name="Quản trị", unit=unit)  # even inside its unit
    client.force_login(unit_admin)
    _post_edit(client, superuser, password1="Chiem-quyen-2026", password2="Chiem-quyen-2026")
    client.logout()
    assert not client.login(username="quantri", password="Chiem-quyen-2026")
    assert client.login(username="quantri", password="pw-quantri")


def test_unit_admin_cannot_assign_a_role_in_bulk(client, unit_admin, target):
    client.force_login(unit_admin)
    url = reverse("wagtail_bulk_action", args=["wagtailusers", "user", "assign_role"]) + f"?id={target.pk}"
    client.post(url, {"role": _group(roles.DESK_LEAD).pk})
    assert not target.groups.filter(name=roles.DESK_LEAD).exists()


def test_unit_admin_cannot_bulk_deactivate_a_superuser(client, unit, unit_admin, superuser):
    ContributorProfile.objects.create(user=superuser, name="Quản trị", unit=unit)
    client.force_login(unit_admin)
    url = reverse("wagtail_bulk_action", args=["wagtailusers", "user", "set_active_state"]) + f"?id={superuser.pk}"
    client.post(url, {"mark_as_active": "False"})
    superuser.refresh_from_db()
    assert superuser.is_active


def test_unit_admin_sees_only_its_units_people(client, unit_admin, target, other_unit):
    stranger = make_user("nguoingoai", roles.CONTRIBUTOR, unit=other_unit)
    client.force_login(unit_admin)
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert target.username in listing
    assert stranger.username not in listing
    assert client.get(reverse("wagtailusers_users:edit", args=[stranger.pk])).status_code == 404
    _post_edit(client, stranger, is_active="")
    stranger.refresh_from_db()
    assert stranger.is_active


def test_unit_admin_cannot_edit_staff_with_roles_it_may_not_grant(client, unit, unit_admin):
    editor = make_user("bientap", roles.EDITOR, unit=unit)
    client.force_login(unit_admin)
    assert editor.username in client.get(reverse("wagtailusers_users:index")).content.decode()
    _post_edit(client, editor, is_active="")
    editor.refresh_from_db()
    assert editor.is_active


def test_unit_admin_is_offered_only_grantable_roles(client, unit_admin, target):
    client.force_login(unit_admin)
    form = client.get(reverse("wagtailusers_users:edit", args=[target.pk])).context["form"]
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {
        roles.CONTRIBUTOR,
        roles.EXPERT_REVIEWER,
    }
    assert "password1" not in form.fields
    assert form.fields["is_superuser"].disabled


def test_new_user_sets_their_own_password_from_the_link(client, unit, unit_admin):
    client.force_login(unit_admin)
    client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "moi",
            "email": "moi@x.vn",
            "first_name": "Mới",
            "last_name": "Nguyễn",
            "groups": [_group(roles.CONTRIBUTOR).pk],
            "unit": unit.pk,
        },
    )
    created = User.objects.get(username="moi")
    assert created.contributor_profile.unit == unit
    assert created.contributor_profile.name == "Nguyễn Mới"
    (message,) = mail.outbox
    assert message.to == ["moi@x.vn"]
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    client.post(form_page.request["PATH_INFO"], {"new_password1": "Tu-dat-2026!", "new_password2": "Tu-dat-2026!"})
    assert client.login(username="moi", password="Tu-dat-2026!")


def test_unit_admin_sends_a_password_link_instead_of_setting_one(client, unit_admin, target):
    client.force_login(unit_admin)
    url = reverse("wagtailusers_users:password_link", args=[target.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [target.email]
    assert target.check_password("pw-congtacvien")


def test_unit_admin_cannot_send_a_password_link_to_the_superuser(client, unit, unit_admin, superuser):
    ContributorProfile.objects.create(user=superuser, name="Quản trị", unit=unit)
    client.force_login(unit_admin)
    client.post(reverse("wagtailusers_users:password_link", args=[superuser.pk]))
    assert mail.outbox == []


def test_unit_admin_cannot_create_people_in_another_unit(client, unit_admin, other_unit):
    client.force_login(unit_admin)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "moi",
            "email": "moi@x.vn",
            "first_name": "Mới",
            "last_name": "Nguyễn",
            "groups": [_group(roles.CONTRIBUTOR).pk],
            "unit": other_unit.pk,
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not User.objects.filter(username="moi").exists()


def test_superuser_widens_a_unit_admins_reach(client, unit_admin, other_unit):
    stranger = make_user("nguoingoai", roles.CONTRIBUTOR, unit=other_unit)
    client.force_login(unit_admin)
    assert client.get(reverse("wagtailusers_users:edit", args=[stranger.pk])).status_code == 404
    other_unit.administrators.add(unit_admin)
    assert client.get(reverse("wagtailusers_users:edit", args=[stranger.pk])).status_code == 200
