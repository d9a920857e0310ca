"""Finding 12 of issue 18: staff log-in. Every test logs in over HTTP with the password, as an
attacker who learnt it would, and then tries the admin."""

import re
import time

import pytest
from django.test import Client

from citydesk.conftest import make_user, totp_now
from citydesk.core import roles

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]

LOGIN = "/admin/login/"


def password_login(username: str, password: str | None = None, *, address: str = "127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password or f"pw-{username}", "next": "/admin/"})
    assert response.status_code == 302, response.content[:500]
    return client


def set_up_app(client: Client) -> tuple[str, list[str]]:
    """The set-up page as a person uses it: read the secret, type the app's code; returns the secret
    and the recovery codes shown once."""
    page = client.get("/admin/2fa/setup/?next=/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html).group(1)
    assert f"secret={secret}" in html and "<svg" in html  # the otpauth URI and its QR code
    confirmed = client.post("/admin/2fa/setup/", {"code": totp_now(secret), "next": "/admin/"})
    assert confirmed.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", confirmed.content.decode())
    assert len(codes) == 10
    return secret, codes


def test_desk_lead_with_password_only_reaches_no_admin_page():
    make_user("truongnhom", roles.DESK_LEAD)
    client = password_login("truongnhom")
    for path in ("/admin/", "/admin/pages/", "/admin/users/", "/admin/2fa/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/2fa/setup/?next=")
    # Setting up the app is the way in.
    set_up_app(client)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("role", [roles.EDITOR, roles.UNIT_ADMIN, None])
def test_editor_unit_admin_and_superuser_must_set_up_a_second_factor(role):
    user = make_user("nhanvien", *([role] if role else []))
    if role is None:
        user.is_superuser = True
        user.save()
    client = password_login("nhanvien")
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/setup/")


@pytest.mark.parametrize("role", [roles.CONTRIBUTOR, roles.EXPERT_REVIEWER, roles.DESK_VERIFIER, roles.MODERATOR])
def test_other_roles_may_use_the_admin_without_a_second_factor(role):
    make_user("nhanvien", role)
    client = password_login("nhanvien")
    assert client.get("/admin/").status_code == 200
    assert "Xác thực hai bước" in client.get("/admin/2fa/").content.decode()  # and may turn it on


def test_after_set_up_every_log_in_needs_a_code_from_the_app():
    make_user("bientap", roles.EDITOR)
    secret, _codes = set_up_app(password_login("bientap"))

    again = password_login("bientap")
    assert again.get("/admin/")["Location"].startswith("/admin/2fa/verify/?next=")
    # Neither can the set-up page be used to swap in the attacker's own app.
    assert again.get("/admin/2fa/setup/")["Location"].startswith("/admin/2fa/verify/")
    wrong = again.post("/admin/2fa/verify/", {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 400 and "Mã này không đúng" in wrong.content.decode()
    assert again.get("/admin/pages/").status_code == 302
    time.sleep(1.1)  # django-otp waits a second after one wrong code
    right = again.post("/admin/2fa/verify/", {"code": totp_now(secret, ahead=1), "next": "/admin/pages/"})
    assert right.status_code == 302 and right["Location"] == "/admin/pages/"
    assert again.get("/admin/pages/").status_code == 200


def test_a_recovery_code_lets_in_once():
    make_user("quantridonvi", roles.UNIT_ADMIN)
    _secret, codes = set_up_app(password_login("quantridonvi"))

    first = password_login("quantridonvi")
    assert first.post("/admin/2fa/verify/", {"code": codes[0].upper(), "next": "/admin/"}).status_code == 302
    assert first.get("/admin/").status_code == 200

    second = password_login("quantridonvi")
    replay = second.post("/admin/2fa/verify/", {"code": codes[0], "next": "/admin/"})
    assert replay.status_code == 400
    assert second.get("/admin/")["Location"].startswith("/admin/2fa/verify/")
    assert "9 mã khôi phục" in first.get("/admin/2fa/").content.decode()


def test_new_recovery_codes_replace_the_old_ones():
    make_user("bientap", roles.EDITOR)
    client = password_login("bientap")
    _secret, old = set_up_app(client)
    fresh = client.post("/admin/2fa/recovery-codes/")
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", fresh.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    other = password_login("bientap")
    assert other.post("/admin/2fa/verify/", {"code": old[1], "next": "/admin/"}).status_code == 400


def test_verify_refuses_a_next_address_on_another_site():
    make_user("bientap", roles.EDITOR)
    secret, _codes = set_up_app(password_login("bientap"))
    client = password_login("bientap")
    response = client.post("/admin/2fa/verify/", {"code": totp_now(secret, ahead=1), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_the_second_factor_can_be_switched_off_for_the_demo(settings):
    settings.CITYDESK_2FA_REQUIRED = False
    make_user("truongnhom", roles.DESK_LEAD)
    assert password_login("truongnhom").get("/admin/").status_code == 200
