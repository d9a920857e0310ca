"""The webhooks' short path (intake/middleware.py, views._run_checking_the_connection_by_its_use): the
platforms' POSTs skip the browser middleware and Django's per-request "SELECT 1", and lose nothing the
full chain gave them: the security headers, the request id, the answer, exactly one stored update."""

import io
import json
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import Client

from citydesk.intake import spool, zalo
from citydesk.intake.models import InboundUpdate

from .conftest import TELEGRAM_SECRET, ZALO_OA_SECRET, telegram_update, zalo_event

pytestmark = pytest.mark.django_db

TIP = "Nghe nói tối nay nhà máy nước ngừng cấp nước 3 ngày vì nguồn nước nhiễm độc, có đúng không?"
# What SecurityMiddleware, the Content-Security-Policy and XFrameOptionsMiddleware put on every answer.
SECURITY_HEADERS = ("X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy", "X-Frame-Options")


def csp(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: set(part.split()[1:]) for part in header.split(";") if part.strip()}


def post_telegram(client: Client, update_id: int):
    return client.post(
        "/intake/telegram/",
        data=json.dumps(telegram_update(update_id, TIP, chat_id=update_id)),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )


def post_zalo(client: Client, msg_id: str):
    raw = json.dumps(zalo_event(msg_id, TIP), ensure_ascii=False).encode()
    return client.post(
        "/intake/zalo/",
        data=raw,
        content_type="application/json",
        headers={"X-ZEvent-Signature": zalo.sign(raw, ZALO_OA_SECRET)},
    )


@pytest.mark.parametrize("platform", ["telegram", "zalo"])
def test_webhook_short_path_answers_with_the_full_chains_security_headers(platform, settings, fake_telegram, fake_zalo):
    post = post_telegram if platform == "telegram" else post_zalo
    settings.CITYDESK_WEBHOOK_SHORT_PATH = False
    full = post(Client(), 9101 if platform == "telegram" else "zm-9101")
    settings.CITYDESK_WEBHOOK_SHORT_PATH = True
    short = post(Client(), 9102 if platform == "telegram" else "zm-9102")

    assert full.status_code == short.status_code == 200
    assert full.json() == short.json() == {"ok": True, "handled": "received"}
    for name in SECURITY_HEADERS:
        assert short[name] == full[name], name
    assert short["X-Frame-Options"] == "DENY" and short["X-Content-Type-Options"] == "nosniff"
    assert csp(short) == csp(full) and csp(short)["frame-ancestors"] == {"'none'"}
    assert len(short["X-Request-ID"]) == 32 and short["X-Request-ID"] != full["X-Request-ID"]
    assert short["Content-Length"] == str(len(short.content))
    assert short.cookies == full.cookies == {}
    # The short path was taken: LocaleMiddleware, which comes after it, did not run.
    assert "Content-Language" in full and "Content-Language" not in short
    assert InboundUpdate.objects.filter(platform=platform).count() == 2


def test_webhook_short_path_still_refuses_a_wrong_secret(settings, fake_telegram):
    response = Client().post(
        "/intake/telegram/",
        data=json.dumps(telegram_update(9201, TIP)),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"},
    )

    assert response.status_code == 403 and response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response and InboundUpdate.objects.count() == 0


def test_webhook_short_path_keeps_the_https_redirect_and_hsts(settings, fake_telegram):
    settings.SECURE_SSL_REDIRECT = True  # as settings/production.py
    settings.SECURE_HSTS_SECONDS = 3600
    body = json.dumps(telegram_update(9251, TIP, chat_id=9251))
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}

    plain = Client().post("/intake/telegram/", data=body, content_type="application/json", headers=headers)
    secure = Client().post(
        "/intake/telegram/", data=body, content_type="application/json", headers=headers, secure=True
    )

    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert secure.status_code == 200 and secure["Strict-Transport-Security"] == "max-age=3600"
    assert InboundUpdate.objects.count() == 1  # only the one sent over HTTPS


def test_only_the_webhooks_posts_skip_the_chain(settings, fake_telegram):
    client = Client(enforce_csrf_checks=True)

    webhook_get = client.get("/intake/telegram/")
    form_post = client.post("/hoi-dap-kiem-chung/", {"text": ""})

    assert webhook_get.status_code == 405 and webhook_get["Content-Language"] == "vi"
    assert form_post.status_code == 403  # the tip form keeps its CSRF check
    assert form_post["Content-Language"] == "vi"


def test_webhook_metrics_and_access_log_name_the_webhook_view(settings, fake_telegram, caplog):
    from citydesk.ops import request_metrics

    counted = request_metrics.REQUESTS.labels(view="intake_telegram_webhook", method="POST", status="200")
    before = counted._value.get()
    with caplog.at_level("INFO", logger="citydesk.access"):
        response = post_telegram(Client(), 9301)

    assert response.status_code == 200
    assert counted._value.get() == before + 1
    [line] = [record for record in caplog.records if record.name == "citydesk.access"]
    assert line.getMessage().startswith("POST /intake/telegram/ 200 ")
    assert line.view == "intake_telegram_webhook" and line.request_id == response["X-Request-ID"]


def wsgi_post(application, body: bytes) -> tuple[str, bytes]:
    """A POST through Django's WSGI handler as waitress calls it: unlike the test client, it runs Django's
    per-request connection bookkeeping (a reused connection is health-checked before its first query)."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/intake/telegram/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": TELEGRAM_SECRET,
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    statuses = []
    response = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        return statuses[0], b"".join(response)
    finally:
        response.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs in CI's PostgreSQL pass (a server to drop us)")
@pytest.mark.django_db(transaction=True)
def test_webhook_on_a_connection_the_server_dropped_stores_the_update_not_spools_it(settings, fake_telegram, tmp_path):
    settings.CITYDESK_SPOOL_DIR = str(tmp_path / "spool")
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] and connection.settings_dict["CONN_MAX_AGE"]  # base.py's
    application = WSGIHandler()
    status, body = wsgi_post(application, json.dumps(telegram_update(9401, TIP, chat_id=9401)).encode())
    assert status.startswith("200") and json.loads(body)["handled"] == "received"
    assert connection.connection is not None  # kept for the next request (CONN_MAX_AGE)

    # The server ends the kept connection between two requests (a restart, a failover, an idle timeout).
    backend = connection.connection.info.backend_pid
    admin = connections.create_connection("default")
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    finally:
        admin.close()
    status, body = wsgi_post(application, json.dumps(telegram_update(9402, TIP, chat_id=9402)).encode())

    assert status.startswith("200") and json.loads(body)["handled"] == "received"  # not "spooled"
    assert connection.connection.info.backend_pid != backend
    assert sorted(InboundUpdate.objects.values_list("external_id", flat=True)) == ["9401", "9402"]
    assert spool.pending() == []
    assert len(fake_telegram.messages()) == 2  # each citizen thanked once
