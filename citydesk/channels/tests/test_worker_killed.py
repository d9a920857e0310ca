"""A real worker process killed with SIGKILL in the middle of a send loses nothing and duplicates nothing."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citydesk.conftest import ProcessDatabase
from citydesk.core.processes import manage

from .fakes import FakeGraph

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "EAAG-kill-test-token"
SETUP = """
from wagtail.models import Page
from citydesk.channels import services
from citydesk.channels.models import ChannelAccount
account = ChannelAccount(name="Trang thành phố", kind="facebook", target="{page}")
account.set_secrets(token="{token}")
account.save()
services.publish(page=Page.objects.get(depth=2), accounts=[account], actor=None,
                 title="Thông báo cắt điện", summary="Chủ nhật 6 giờ đến 11 giờ.", link="https://thanhpho.example/cat-dien")
"""
REPORT = "from citydesk.channels.models import Delivery; d = Delivery.objects.get(); print(d.status, d.post_id)"


@pytest.fixture(scope="module")
def fresh_database(tmp_path_factory):
    """A migrated database that the worker processes share (SQLite file or PostgreSQL database)."""
    return ProcessDatabase(
        tmp_path_factory.mktemp("worker"),
        "citydesk_worker_test",
        {
            # Jobs queue in the database: publishing only writes rows, the worker below does the sending.
            "CITYDESK_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "CITYDESK_CHANNEL_STALE_SECONDS": "0",  # the restarted worker treats the lost "sending" as stale
        },
    )


@pytest.mark.parametrize("step", ["timeout_after_post", "timeout_before_post"])
def test_killed_mid_send_then_restarted(fresh_database, step):
    fresh_database.reset()
    with FakeGraph("1029384756", TOKEN, slow_seconds=60) as graph:
        env = {**fresh_database.env, "CITYDESK_FACEBOOK_API_URL": graph.url}
        graph.plan = [step]
        setup = manage(env, "shell", "-c", SETUP.format(page=graph.page_id, token=TOKEN))
        assert setup.returncode == 0, setup.stderr[-2000:]

        worker = subprocess.Popen(
            [sys.executable, "manage.py", "deliver_channels"],
            cwd=ROOT,
            env={**env, "CITYDESK_CHANNEL_TIMEOUT": "120", "CITYDESK_CHANNEL_STALE_SECONDS": "600"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not graph.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert graph.requests, "the worker never reached the platform"
        time.sleep(0.3)  # the request is in flight (the post made or not, depending on step)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        assert manage(env, "shell", "-c", REPORT).stdout.split()[0] == "sending"

        # Restarted (the lost worker's "sending" is stale at once here): settled against the page.
        restarted = manage(env, "deliver_channels", timeout=120)
        assert restarted.returncode == 0, restarted.stderr[-2000:]
        status, *post_id = manage(env, "shell", "-c", REPORT).stdout.split()
        assert status == "sent"
        assert len(graph.posts) == 1 and post_id == [graph.posts[0]["id"]]
