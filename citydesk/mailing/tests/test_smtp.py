"""Mail through a real SMTP server with a log-in, configured only from the environment as an operator
would (CITYDESK_EMAIL_*), in a separate process: STARTTLS on 587-style ports and TLS from the start."""

import os

import pytest

from citydesk.core.processes import manage, scratch_folders

from .smtpserver import PASSWORD, USER, LocalSMTP

SEND = (
    "from django.core.mail import send_mail; "
    "print(send_mail('Thông báo', 'Nội dung thư', None, ['ban-doc@example.vn']))"
)


def environment(tmp_path, server: LocalSMTP, security: str, password: str = PASSWORD) -> dict:
    return {
        **os.environ,
        **scratch_folders(tmp_path),
        "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
        "CITYDESK_SQLITE_PATH": str(tmp_path / "unused.sqlite3"),
        "CITYDESK_EMAIL_HOST": "127.0.0.1",
        "CITYDESK_EMAIL_PORT": str(server.port),
        "CITYDESK_EMAIL_USER": USER,
        "CITYDESK_EMAIL_PASSWORD": password,
        "CITYDESK_EMAIL_SECURITY": security,
        "CITYDESK_EMAIL_TIMEOUT": "10",
        "CITYDESK_DEFAULT_FROM_EMAIL": "Cổng thông tin <thongtin@danang.gov.vn>",
        "SSL_CERT_FILE": str(server.cert),  # the city's server certificate is trusted, as a CA bundle would
    }


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_goes_through_the_city_smtp_server_with_a_login(tmp_path, security):
    with LocalSMTP(tmp_path, security) as server:
        result = manage(environment(tmp_path, server, security), "shell", "-c", SEND)
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip() == "1"
        [received] = server.received
    assert received.login == USER
    assert received.mail_from == "thongtin@danang.gov.vn"
    assert received.rcpt_tos == ["ban-doc@example.vn"]
    assert received.message["Subject"] is not None
    assert not (tmp_path / "mail").exists() or not any((tmp_path / "mail").iterdir())  # not written to files


def test_a_wrong_password_is_an_error_not_a_silent_loss(tmp_path):
    with LocalSMTP(tmp_path, "starttls") as server:
        result = manage(environment(tmp_path, server, "starttls", password="sai-mat-khau"), "shell", "-c", SEND)
        assert server.received == []
    assert result.returncode != 0
    assert "SMTPAuthenticationError" in result.stderr


def test_an_unknown_security_mode_stops_the_start_naming_the_variable(tmp_path):
    with LocalSMTP(tmp_path, "starttls") as server:
        result = manage(environment(tmp_path, server, "tls1.0"), "shell", "-c", SEND)
    assert result.returncode != 0
    assert "CITYDESK_EMAIL_SECURITY must be starttls, ssl or none" in result.stderr
