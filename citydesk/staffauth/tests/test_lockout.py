"""Finding 12 of issue 18: 40 wrong passwords in 15 s and no lockout. Now a username is locked out
from one client address after CITYDESK_LOGIN_FAILURE_LIMIT failures (django-axes)."""

import pytest
from django.test import Client

from citydesk.conftest import make_user
from citydesk.core import roles

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def attempt(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def test_wrong_passwords_lock_the_username_out_from_that_address(settings):
    make_user("bientap", roles.EDITOR)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(attacker, "bientap", "sai-mat-khau")
        assert response.status_code == 200  # the log-in form again, with its error
    locked = attempt(attacker, "bientap", "sai-mat-khau")
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    # Even the right password is refused now, from that address.
    right = attempt(attacker, "bientap", "pw-bientap")
    assert right.status_code == 429 and "_auth_user_id" not in attacker.session
    # The owner, from another address, still logs in.
    assert attempt(Client(REMOTE_ADDR="198.51.100.4"), "bientap", "pw-bientap").status_code == 302


def test_a_lockout_behind_the_proxy_counts_the_client_not_the_proxy(settings):
    settings.CITYDESK_TRUSTED_PROXY = "127.0.0.1"
    make_user("bientap", roles.EDITOR)
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(attacker, "bientap", "sai-mat-khau")
    assert attempt(attacker, "bientap", "pw-bientap").status_code == 429
    # A forged X-Forwarded-For entry written by the attacker changes nothing.
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert attempt(forged, "bientap", "pw-bientap").status_code == 429
    # The editor at the office, behind the same proxy, is not locked out.
    office = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert attempt(office, "bientap", "pw-bientap").status_code == 302
