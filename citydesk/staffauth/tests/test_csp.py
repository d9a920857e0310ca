"""Content-Security-Policy: strict on the public site and on citydesk's own admin screens (where
citizens' text is shown); Wagtail's own screens get the inline scripts their widgets need."""

import pytest

from citydesk.conftest import make_user
from citydesk.core import roles

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_public_pages_allow_no_inline_script_or_style(client, topic):
    for path in ("/", topic.url, "/hoi-dap-kiem-chung/", "/khong-co-trang-nay/"):
        policy = directives(client.get(path))
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"][0] == "'self'" and "'unsafe-inline'" not in policy["style-src"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_citydesks_admin_screens_allow_no_inline_script(client):
    lead = make_user("truongnhom", roles.DESK_LEAD, roles.EDITOR)
    client.force_login(lead)
    for path in ("/admin/desk/", "/admin/network/", "/admin/2fa/"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], path
        assert policy["connect-src"] == ["'self'"] and policy["object-src"] == ["'none'"]


def test_wagtails_editor_gets_inline_scripts_from_nowhere_else(client, make_article):
    article = make_article()
    client.force_login(make_user("bientap", roles.EDITOR))
    for path in ("/admin/login/", "/admin/pages/", f"/admin/pages/{article.pk}/edit/"):
        policy = directives(client.get(path))
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"], path
        assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'self'"]
