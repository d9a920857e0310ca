"""A real PostgreSQL stopped while jobs are queued: the web stays up and keeps taking tips; once the
database is back, every queued delivery goes out exactly once and the tips are stored.

It runs its own PostgreSQL (tools/postgres.py on a free port) so it can stop it; on SQLite there is no
server to stop (the suite's PostgreSQL pass in CI runs it).
"""

import os
import re
import signal
import subprocess
import sys
import time
from http.cookiejar import CookieJar
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from django.conf import settings
from django.db import connection

from citydesk.channels.tests.fakes import FakeGraph
from citydesk.core.processes import free_port, scratch_folders

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server to stop")
ROOT = settings.BASE_DIR
TOKEN = "EAAG-failover-token"
SETUP = """
from wagtail.models import Page
from citydesk.channels import services
from citydesk.channels.models import ChannelAccount
account = ChannelAccount(name="Trang thành phố", kind="facebook", target="{page}")
account.set_secrets(token="{token}")
account.save()
for n in range(3):
    services.publish(page=Page.objects.get(depth=1), accounts=[account], actor=None, title=f"Thông báo {{n}}",
                     summary="Lịch cắt nước.", link=f"https://thanhpho.example/tin-{{n}}")
"""
STATE = """
from citydesk.channels.models import Delivery
from citydesk.desk.models import Report
print(sorted(Delivery.objects.values_list("status", flat=True)), Report.objects.count())
"""


def run(env, *args, timeout=120):
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def shell(env, code: str) -> str:
    result = run(env, "manage.py", "shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def post_tip(base_url: str, text: str) -> tuple[int, str]:
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    form = opener.open(f"{base_url}/hoi-dap-kiem-chung/", timeout=20).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    request = Request(
        f"{base_url}/hoi-dap-kiem-chung/",
        data=urlencode({"csrfmiddlewaretoken": token, "text": text}).encode(),
        headers={"Referer": f"{base_url}/hoi-dap-kiem-chung/"},
    )
    with opener.open(request, timeout=20) as response:
        return response.status, response.read().decode()


def test_database_outage_loses_no_job_runs_none_twice_and_keeps_taking_tips(tmp_path):
    pg_port, web_port = free_port(), free_port()
    data = tmp_path / "pg"
    started = run(os.environ, "tools/postgres.py", "start", "--port", str(pg_port), "--data", str(data))
    assert started.returncode == 0, started.stderr
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
        "DATABASE_URL": started.stdout.strip(),
        "CITYDESK_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        **scratch_folders(tmp_path),
        "CITYDESK_MATCHING": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    serve = None
    try:
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):  # as a deployment does
            prepared = run(env, "manage.py", *command, "-v", "0", timeout=300)
            assert prepared.returncode == 0, prepared.stderr[-2000:]
        with FakeGraph("1029384756", TOKEN, slow_seconds=0) as graph:
            env["CITYDESK_FACEBOOK_API_URL"] = graph.url
            shell(env, SETUP.format(page=graph.page_id, token=TOKEN))  # 3 jobs queued, no worker
            stopped = run(os.environ, "tools/postgres.py", "stop", "--data", str(data))
            assert stopped.returncode == 0, stopped.stderr

            serve = subprocess.Popen(
                [sys.executable, "manage.py", "serve", f"--listen=127.0.0.1:{web_port}", "--scheduler-interval=1"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            base_url = f"http://127.0.0.1:{web_port}"
            deadline = time.monotonic() + 30
            while True:  # the web answers although the database is down
                try:
                    status, page = post_tip(base_url, "Tin nhắn giả danh điện lực đòi tiền điện, dọa cắt điện tối nay")
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the web never answered"
                    time.sleep(0.3)
            assert status == 200 and "Cảm ơn, chúng tôi đã nhận được" in page
            time.sleep(3)  # the worker and the scheduler meet the stopped database meanwhile
            assert serve.poll() is None  # serve stays up
            assert graph.posts == []

            restarted = run(os.environ, "tools/postgres.py", "start", "--port", str(pg_port), "--data", str(data))
            assert restarted.returncode == 0, restarted.stderr
            done = "['sent', 'sent', 'sent'] 1"
            deadline = time.monotonic() + 90
            while (len(graph.posts) < 3 or shell(env, STATE) != done) and time.monotonic() < deadline:
                time.sleep(1)
            time.sleep(3)  # a duplicate, if any, would arrive now
            assert shell(env, STATE) == done  # every delivery sent; the tip stored
            assert sorted(post["message"].splitlines()[0] for post in graph.posts) == [
                "Thông báo 0",
                "Thông báo 1",
                "Thông báo 2",
            ]  # each exactly once
    finally:
        if serve is not None and serve.poll() is None:
            os.killpg(serve.pid, signal.SIGTERM)
            serve.wait(timeout=30)
        run(os.environ, "tools/postgres.py", "stop", "--data", str(data))
