"""The queued tipline with real processes: a web server and a `db_worker` on a shared database (a SQLite
file, or PostgreSQL when DATABASE_URL is set), a fake Bot API on 127.0.0.1, and the worker killed with
SIGKILL in the middle of a message. Nothing is lost, nothing is sent twice."""

import json
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from citydesk.conftest import ProcessDatabase
from citydesk.core.processes import free_port, manage

from .conftest import TELEGRAM_SECRET, TELEGRAM_TOKEN, telegram_update
from .fakes import FakeTelegram, jpeg_with_exif

ROOT = Path(__file__).resolve().parents[3]
STATE = """
import json
from citydesk.desk.models import Report
from citydesk.intake.models import InboundUpdate
rows = list(InboundUpdate.objects.values("state", "delivery", "outcome", "report_id"))
print(json.dumps({"reports": Report.objects.count(), "inbound": rows}))
"""


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory):
    return ProcessDatabase(
        tmp_path_factory.mktemp("tipline"),
        "citydesk_tipline_test",
        {
            "CITYDESK_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",  # jobs wait in the database
            "CITYDESK_TIPLINE_LEASE_SECONDS": "1",  # the sweep takes over a dead worker's message at once
            "CITYDESK_MATCHING": "0",  # no model to load: this is about the queue, not about matching
            "CITYDESK_ALLOWED_HOSTS": "127.0.0.1",
        },
    )


def start(env: dict, *command: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def post(base: str, update: dict) -> requests.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET, "Content-Type": "application/json"}
    return requests.post(base + "/intake/telegram/", data=json.dumps(update), headers=headers, timeout=10)


def state(env: dict) -> dict:
    result = manage(env, "shell", "-c", STATE)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


PHOTO = [{"file_id": "ph0to", "file_unique_id": "p", "width": 64, "height": 48, "file_size": 2000}]


@contextmanager
def tipline(shared_database):
    """A fresh database, the fake Bot API (with one photo to fetch) and a web server; yields (fake, env,
    base, running) — put a worker in running and it is stopped with the web server at the end."""
    shared_database.reset()
    with FakeTelegram(TELEGRAM_TOKEN) as fake:
        fake.files["ph0to"] = jpeg_with_exif()
        env = {
            **shared_database.env,
            "CITYDESK_TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "CITYDESK_TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "CITYDESK_TELEGRAM_API_URL": fake.url,
        }
        port = free_port()
        running = [
            start(env, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=4", "citydesk.wsgi:application")
        ]
        try:
            yield fake, env, f"http://127.0.0.1:{port}", running
        finally:
            for process in reversed(running):
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=30)


def post_when_up(base: str, update: dict) -> None:
    """Post the first update as soon as the web server answers it (200)."""

    def acknowledged():
        try:
            return post(base, update).status_code == 200
        except requests.ConnectionError:
            return False

    wait_for(acknowledged, 60, "the web server never answered")


def kill_worker_during(env: dict, fake, method: str, running: list) -> None:
    """Start a worker, let it call the platform's method, and SIGKILL it while the call is on its way."""
    fake.slow[method] = 60
    worker = start(env, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--interval", "0.1")
    running.append(worker)
    wait_for(lambda: any(c["method"] == method for c in fake.calls), 90, "the worker never got there")
    time.sleep(0.3)  # the request is with the platform; the worker waits for its answer
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    fake.slow.clear()


@pytest.mark.parametrize("killed_during", ["getFile", "sendMessage"])
def test_worker_killed_mid_message_loses_nothing_and_sends_nothing_twice(shared_database, killed_during):
    with tipline(shared_database) as (fake, env, base, running):
        update = telegram_update(
            31001, caption="Ảnh công văn giả mạo UBND thành phố yêu cầu nộp phí tiêm chủng tại nhà", photo=PHOTO
        )
        # No worker runs yet: the platform still gets its 200 at once, and the message is stored.
        post_when_up(base, update)
        again = post(base, update)
        assert again.status_code == 200 and again.json()["handled"] == "duplicate"
        assert fake.calls == []

        kill_worker_during(env, fake, killed_during, running)

        time.sleep(1.1)  # the dead worker's lease runs out
        swept = manage(env, "send_pending_answers", timeout=120)
        assert swept.returncode == 0, swept.stderr[-2000:]
        assert swept.stdout.startswith("1 chat message(s) resumed")
        assert post(base, update).json()["handled"] == "duplicate"  # the platform retries late: still once

    after = state(env)
    [inbound] = after["inbound"]
    replies = fake.messages()
    assert len(replies) == 1 and replies[0]["chat_id"] == "5550001"
    if killed_during == "getFile":  # nothing was stored: the sweep did it all again, once
        assert after["reports"] == 1 and inbound["report_id"] is not None
        assert (inbound["state"], inbound["delivery"], inbound["outcome"]) == ("done", "sent", "received")
        assert [c["method"] for c in fake.calls].count("getFile") == 2
    else:  # the reply had reached the platform: recorded as unknown, never sent a second time
        assert after["reports"] == 1
        assert (inbound["state"], inbound["delivery"]) == ("done", "unknown")


JOBS = """
from django_tasks_db.models import DBTaskResult
from citydesk.intake.tipline import process_task
print(DBTaskResult.objects.filter(task_path=process_task.module_path, return_value="taken by another job").count())
"""


def test_worker_killed_in_the_middle_of_a_batch_loses_nothing_and_sends_nothing_twice(shared_database):
    with tipline(shared_database) as (fake, env, base, running):
        text = telegram_update(32001, "Tin đồn: cầu Thuận Phước cấm xe máy từ tuần sau", chat_id=5550101)
        photos = [
            telegram_update(32002 + n, chat_id=5550102 + n, caption=f"Ảnh công văn giả số {n}", photo=PHOTO)
            for n in range(2)
        ]
        # No worker yet: three messages wait, each with its job.
        post_when_up(base, text)
        for update in photos:
            assert post(base, update).status_code == 200

        # The worker runs the text's job, takes the two photos waiting behind it, and dies fetching the first.
        kill_worker_during(env, fake, "getFile", running)
        assert [m["chat_id"] for m in fake.messages()] == ["5550101"]
        taken = manage(env, "shell", "-c", JOBS)
        assert taken.stdout.strip().splitlines()[-1] == "2"  # their own jobs will not run them

        time.sleep(1.1)  # the dead worker's leases run out
        swept = manage(env, "send_pending_answers", timeout=120)
        assert swept.returncode == 0, swept.stderr[-2000:]
        assert swept.stdout.startswith("2 chat message(s) resumed")
        # The text got its thank-you before the worker died; its report was to be filed by a job queued
        # after the batch, which never was. Nobody waits for an answer now: the next sweep files it.
        swept = manage(env, "send_pending_answers", timeout=120)
        assert swept.returncode == 0, swept.stderr[-2000:]
        assert swept.stdout.startswith("1 chat message(s) resumed")

    after = state(env)
    assert sorted(m["chat_id"] for m in fake.messages()) == ["5550101", "5550102", "5550103"]
    assert after["reports"] == 3
    assert {(row["state"], row["delivery"]) for row in after["inbound"]} == {("done", "sent")}


RUMOUR = "Khẩn: tối nay nhà máy nước Cầu Đỏ ngừng cấp nước 3 ngày vì nguồn nước nhiễm độc, tích trữ nước ngay"
FILED = """
import json
from citydesk.desk.models import Report
print(json.dumps(sorted([r.text, r.claim_id] for r in Report.objects.all())))
"""


def test_worker_killed_between_a_reply_and_its_filing_files_the_report_once(shared_database):
    with tipline(shared_database) as (fake, env, base, running):
        # The rumour's first tip: matched (here: no model, a claim of its own), thanked, then filed by the
        # job after its reply; the worker stops once it is filed (its claim open, its text remembered).
        post_when_up(base, telegram_update(33001, RUMOUR, chat_id=5550201))
        worker = start(env, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--interval", "0.1")
        wait_for(lambda: len(fake.messages()) == 1, 90, "the first tip was never answered")
        wait_for(lambda: state(env)["reports"] == 1, 90, "the first tip's report was never filed")
        worker.terminate()
        worker.wait(timeout=30)

        # Two identical copies: found by the fingerprint, answered first, filed by a job after the batch.
        copies = [telegram_update(33002 + n, RUMOUR + "!" * (n + 1), chat_id=5550202 + n) for n in range(2)]
        for update in copies:
            assert post(base, update).status_code == 200
        # The worker answers the first copy, takes the second in the same job and dies while sending its
        # reply: the first copy is answered, its report not filed, and no filing job was queued.
        fake.slow_chats["5550203"] = 60
        worker = start(env, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--interval", "0.1")
        running.append(worker)
        wait_for(lambda: len(fake.messages()) == 3, 90, "the worker never sent the second copy's reply")
        time.sleep(0.3)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        fake.slow_chats.clear()
        middle = state(env)
        assert middle["reports"] == 1
        assert sorted(row["state"] for row in middle["inbound"]) == ["done", "replied", "sending"]

        time.sleep(1.1)  # the dead worker's lease runs out
        swept = manage(env, "send_pending_answers", timeout=120)
        assert swept.returncode == 0, swept.stderr[-2000:]
        assert swept.stdout.startswith("2 chat message(s) resumed")
        # A worker again: whatever job is left finds both copies filed.
        running.append(start(env, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--interval", "0.1"))
        time.sleep(3)

    after = state(env)
    assert sorted(m["chat_id"] for m in fake.messages()) == ["5550201", "5550202", "5550203"]
    assert after["reports"] == 3
    assert sorted((row["state"], row["delivery"]) for row in after["inbound"]) == [
        ("done", "sent"),
        ("done", "sent"),
        ("done", "unknown"),  # the reply was on its way when the worker died: never sent again
    ]
    filed = json.loads(manage(env, "shell", "-c", FILED).stdout.strip().splitlines()[-1])
    assert [text for text, _claim in filed] == sorted([RUMOUR, RUMOUR + "!", RUMOUR + "!!"])
    assert len({claim for _text, claim in filed}) == 1  # both copies joined the rumour's claim
