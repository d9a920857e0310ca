"""Log lines through the formatters the settings configure: time, level, logger, request id; JSON when
configured; one access line per request without query strings, tokens or (unless asked) addresses."""

import gzip
import json
import logging
import re
import secrets
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.test import Client

from citydesk.ops import errortracking, health
from citydesk.ops.logs import JsonLineFormatter, RequestIdFilter, TextFormatter

pytestmark = pytest.mark.django_db
# Made at run time: Sentry sends the source lines around the failing frame, which must not count as a leak.
SECRET = "s3cr3t-" + secrets.token_hex(16)
COOKIE = "cookie-" + secrets.token_hex(16)
ADDRESS = ".".join(["198", "51", "100", str(secrets.randbelow(200) + 2)])


@pytest.fixture
def lines():
    """What the console handler would write, as a list of lines, JSON formatter."""
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger(name) for name in ("citydesk.access", "django.request", "citydesk.scheduler")]
    for logger in loggers:
        logger.addHandler(handler)
    access = logging.getLogger("citydesk.access")
    level = access.level
    access.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    access.setLevel(level)
    for logger in loggers:
        logger.removeHandler(handler)


def test_one_json_access_line_per_request_with_the_request_id_and_no_query_string(client, lines):
    response = client.get(f"/healthz?token={SECRET}", headers={"X-Request-ID": "proxy-req-0001"})
    assert response["X-Request-ID"] == "proxy-req-0001"
    [line] = lines()
    assert line["logger"] == "citydesk.access"
    assert line["level"] == "INFO"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$", line["time"])
    assert line["request_id"] == "proxy-req-0001"
    assert (line["method"], line["route"], line["status"], line["view"]) == ("GET", "/healthz", 200, "ops_healthz")
    assert line["duration_ms"] >= 0
    assert "client" not in line
    assert SECRET not in json.dumps(line)


def test_a_token_in_the_path_is_logged_as_its_pattern(client, lines):
    client.get(f"/loi-moi/{SECRET}/")
    [line] = [line for line in lines() if line["logger"] == "citydesk.access"]
    assert line["route"] == "/loi-moi/<str:token>/"
    assert line["status"] == 410
    assert SECRET not in json.dumps(lines())


def test_a_forged_request_id_is_replaced_and_every_line_of_the_request_carries_the_same_one(client, lines):
    response = client.get("/khong-co-trang-nay/", headers={"X-Request-ID": "bad id\nwith newline"})
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    found = lines()
    assert {line["logger"] for line in found} == {"django.request", "citydesk.access"}
    assert {line["request_id"] for line in found} == {request_id}


def test_the_client_address_is_logged_only_when_configured(client, lines, settings):
    client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    settings.CITYDESK_ACCESS_LOG_CLIENT_IP = True
    client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    first, second = lines()
    assert "client" not in first
    assert second["client"] == "203.0.113.9"


def test_the_scheduler_logs_outside_requests_with_a_dash_for_the_request_id(lines):
    from django.core.management import call_command

    logging.getLogger("citydesk.scheduler").setLevel(logging.INFO)
    call_command("run_scheduler", "--once", stdout=StringIO())
    [line] = lines()
    assert line["logger"] == "citydesk.scheduler"
    assert line["request_id"] == "-"
    assert line["message"].startswith("tick done in ")


def test_the_text_format_has_time_level_logger_and_request_id():
    record = logging.LogRecord("citydesk.desk", logging.WARNING, __file__, 1, "khách %s", ("Hà Nội",), None)
    RequestIdFilter().filter(record)
    text = TextFormatter().format(record)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} WARNING citydesk.desk \[-\] khách Hà Nội", text)


class SentryReceiver:
    """A local server that takes Sentry envelopes (POST /api/<project>/envelope/) as a Sentry server would."""

    def __init__(self):
        self.bodies: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":
                    import brotli

                    body = brotli.decompress(body)
                receiver.bodies.append(body)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.port = self.httpd.server_address[1]


@pytest.fixture
def sentry():
    import sentry_sdk

    receiver = SentryReceiver()
    yield receiver
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)
    receiver.httpd.shutdown()


def test_errors_reach_sentry_without_personal_data_or_secrets(sentry, monkeypatch, settings):
    import sentry_sdk

    errortracking.init(
        dsn=f"http://publickey@127.0.0.1:{sentry.port}/7", environment="test", release="1", traces_sample_rate=0
    )
    settings.CITYDESK_HEALTH_TOKEN = SECRET

    def broken():
        raise RuntimeError("readiness broke")

    monkeypatch.setattr(health, "readiness", broken)
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = COOKIE
    response = client.get(f"/readyz?token={SECRET}", headers={"Authorization": f"Bearer {SECRET}"}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)
    sent = b"".join(sentry.bodies).decode()
    assert "readiness broke" in sent  # the error arrived
    assert "RuntimeError" in sent
    for private in (SECRET, COOKIE, ADDRESS):
        assert private not in sent
