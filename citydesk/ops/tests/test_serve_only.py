"""`manage.py serve --only web` (the systemd units' command, deploy/systemd/) runs the system checks,
then becomes the one web process itself, so systemd's signals and Restart=always reach waitress."""

import os
import subprocess
import sys
from pathlib import Path

import requests

from citydesk.core.processes import ROOT, free_port, scratch_folders
from citydesk.core.tests.test_reverse_proxy import wait_for_port


def test_serve_only_web_becomes_waitress_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        **scratch_folders(tmp_path),
        "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
        "CITYDESK_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    log = tmp_path / "web.log"
    command = [sys.executable, "manage.py", "serve", "--only", "web", "--listen", f"127.0.0.1:{port}", "--threads", "2"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, log)
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).json() == {"status": "ok"}
        # The same process id is now waitress: nothing in between to forward signals.
        assert b"waitress" in Path(f"/proc/{process.pid}/cmdline").read_bytes()
    finally:
        process.terminate()
        assert process.wait(timeout=30) is not None


def test_serve_only_refuses_to_start_with_an_unsafe_production_environment(tmp_path):
    from citydesk.core.tests.test_production_settings import PRODUCTION

    env = {**os.environ, **scratch_folders(tmp_path), **PRODUCTION, "CITYDESK_2FA_REQUIRED": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "serve", "--only", "web", "--listen", f"127.0.0.1:{free_port()}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set CITYDESK_2FA_REQUIRED=1" in result.stderr
