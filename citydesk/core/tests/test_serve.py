"""`manage.py serve` (what `make run` ends with) starts the web server, worker and scheduler, and stops them."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.conf import settings

from citydesk.core.processes import free_port, scratch_folders

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def children_of(pid: int) -> dict[int, str]:
    """Child processes of pid and their command lines, read from /proc (no ps needed)."""
    children = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children[int(entry.name)] = cmdline
    return children


@pytest.fixture
def embedded_env(tmp_path):
    # The embedded mode is SQLite whatever database the suite runs on.
    env = {
        **{name: value for name, value in os.environ.items() if name != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
        "CITYDESK_SQLITE_PATH": str(tmp_path / "citydesk.sqlite3"),
        **scratch_folders(tmp_path),
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, MANAGE, *command, "-v0"], env=env, check=True)
    return env


def test_serve_runs_web_worker_and_scheduler_and_stops_them_together(embedded_env):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, MANAGE, "serve", "--listen", f"127.0.0.1:{port}"],
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(f"http://127.0.0.1:{port}/") as response:
                    assert response.status == 200
                    assert '<html lang="vi">' in response.read().decode()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "serve did not answer within 60 s"
                time.sleep(0.3)
        children = children_of(process.pid)
        commands = " | ".join(children.values())
        assert "waitress" in commands
        assert "db_worker" in commands
        assert "run_scheduler" in commands
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert process.returncode == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in children)


def test_web_and_worker_load_the_matcher_at_start_and_other_commands_do_not(embedded_env, tmp_path):
    env = {**embedded_env, "CITYDESK_LOG_LEVEL": "INFO"}
    checked = subprocess.run([sys.executable, MANAGE, "check"], env=env, capture_output=True, text=True, check=True)
    assert "matcher ready" not in checked.stdout + checked.stderr
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, MANAGE, "serve", "--listen", f"127.0.0.1:{port}"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # No request and no tip: each process loads the matcher by itself as it starts.
        deadline = time.monotonic() + 180
        wanted = ("matcher ready in the web process", "matcher ready in the worker process")
        while not all(line in log.read_text() for line in wanted):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        assert "warm-up failed" not in log.read_text()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
