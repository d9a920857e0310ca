"""When the database does not answer, tips are kept on disk and stored once it is back.

The outage is made with Django's own hook for it (`connection.execute_wrapper`): every query fails as
it would against a stopped server. test_failover.py does the same against a real stopped PostgreSQL.
"""

import io
import json
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError, connection
from PIL import Image

from citydesk.desk.models import Report
from citydesk.intake import spool

from .conftest import TELEGRAM_SECRET, telegram_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_spool(settings, tmp_path):
    settings.CITYDESK_SPOOL_DIR = str(tmp_path / "spool")


@contextmanager
def database_down():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_web_tip_is_spooled_during_an_outage_and_stored_after(client):
    with database_down():
        response = client.post(
            "/hoi-dap-kiem-chung/",
            {
                "text": "Có tin nhắn giả danh công an yêu cầu chuyển tiền để xác minh tài khoản",
                "email": "ban.doc@example.vn",
                "consent": "on",
                "image": SimpleUploadedFile("anh.png", png(), content_type="image/png"),
            },
        )
    assert response.status_code == 200
    assert "Cảm ơn, chúng tôi đã nhận được" in response.content.decode()
    assert Report.objects.count() == 0
    waiting = spool.pending()
    assert len(waiting) == 1
    assert json.loads(waiting[0].read_text())["reply_handle"] == "email:ban.doc@example.vn"

    call_command("import_spooled_tips", verbosity=0)
    report = Report.objects.get()
    assert report.text.startswith("Có tin nhắn giả danh công an")
    assert report.reply_handle == "email:ban.doc@example.vn"
    assert report.image  # the cleaned image came along
    assert spool.pending() == [] and list(spool.folder().iterdir()) == []  # contact data gone from disk


def test_telegram_update_is_acknowledged_during_an_outage_and_replayed(client, fake_telegram):
    update = telegram_update(501, "Tin đồn: nước máy quận Hải Châu nhiễm độc, không được dùng trong 3 ngày")
    with database_down():
        response = client.post(
            "/intake/telegram/",
            data=json.dumps(update),
            content_type="application/json",
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
        )
    assert response.status_code == 200 and response.json()["handled"] == "spooled"
    assert Report.objects.count() == 0

    call_command("import_spooled_tips", verbosity=0)
    assert Report.objects.get().text.startswith("Tin đồn: nước máy quận Hải Châu")
    assert fake_telegram.messages  # the tipster is thanked, late but once
    call_command("import_spooled_tips", verbosity=0)
    assert Report.objects.count() == 1


def test_spooled_tips_wait_while_the_database_is_still_down():
    spool.spool_web_tip(text="Tin đồn về lịch nghỉ học", url="", image=None, reply_handle="")
    with database_down():
        assert spool.import_spooled() == 0
    assert len(spool.pending()) == 1
    assert spool.import_spooled() == 1
    assert Report.objects.count() == 1


def test_the_site_navigation_survives_an_outage(client, topic):
    assert "Sức khỏe" in client.get("/hoi-dap-kiem-chung/").content.decode()  # remembered while up
    with database_down():
        page = client.get("/hoi-dap-kiem-chung/")
    assert page.status_code == 200 and "Sức khỏe" in page.content.decode()
