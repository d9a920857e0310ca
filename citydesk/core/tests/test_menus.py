"""Each admin menu item of citydesk's screens is shown only to the people who may use the screen."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.utils.translation import gettext

from citydesk.conftest import make_user
from citydesk.core import roles

# (menu label, the permission its screen needs)
ITEMS = [
    ("Response desk", "desk.verify_claim"),
    ("Community moderation", "community.change_story"),
    ("Weekly digest", "channels.add_publication"),
    ("Channels", "channels.add_publication"),
    ("Scorecards", "scorecards.view_target"),
]


def menu(client, user) -> str:
    client.force_login(user)
    return client.get("/admin/").content.decode()  # the sidebar menu is JSON in the page


def shown(label: str, page: str) -> bool:
    return json.dumps(gettext(label)) in page


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "permission"), ITEMS)
def test_menu_item_needs_its_permission(client, unit, label, permission):
    app_label, codename = permission.split(".")
    user = make_user("nguoidung", roles.CONTRIBUTOR, unit=unit)
    assert not shown(label, menu(client, user))
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    assert shown(label, menu(client, user))
