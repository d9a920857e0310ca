"""Run citydesk on one machine: the web server, one job worker and the scheduler, started and stopped together."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def web_command(listen: str, threads: int) -> list[str]:
    """waitress for citydesk; behind a proxy (CITYDESK_TRUSTED_PROXY) it takes the scheme and the
    client's address from the proxy's X-Forwarded-Proto/-For, counting CITYDESK_TRUSTED_PROXY_COUNT
    proxies from the right, and drops those headers from anyone else (docs/security.md)."""
    command = [sys.executable, "-m", "waitress", f"--listen={listen}", f"--threads={threads}"]
    if settings.CITYDESK_TRUSTED_PROXY:
        command += [
            f"--trusted-proxy={settings.CITYDESK_TRUSTED_PROXY}",
            f"--trusted-proxy-count={settings.CITYDESK_TRUSTED_PROXY_COUNT}",
            "--trusted-proxy-headers=x-forwarded-for x-forwarded-proto",
            "--clear-untrusted-proxy-headers",
        ]
    return [*command, "citydesk.wsgi:application"]


class Command(BaseCommand):
    help = "Serve citydesk with waitress on --listen, plus one db_worker and the scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--listen", default="127.0.0.1:8000", help="host:port (default 127.0.0.1:8000)")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--scheduler-interval", type=int, default=60, help="seconds between scheduler runs")
        parser.add_argument(
            "--only",
            choices=["web", "worker", "scheduler"],
            help="run just this one in place of this command (systemd units, deploy/systemd/), not all three",
        )

    def handle(self, *args, listen: str, threads: int, scheduler_interval: int, only: str | None = None, **options):
        commands = {
            "web": web_command(listen, threads),
            # Polls for jobs every 0.2 s when idle (default 1 s): tipline replies are jobs.
            "worker": [sys.executable, MANAGE, "db_worker", "--queue-name", "*", "--no-reload", "--interval", "0.2"],
            "scheduler": [sys.executable, MANAGE, "run_scheduler", f"--interval={scheduler_interval}"],
        }
        if only:
            # systemd restarts it (Restart=always) and stops it with SIGTERM, straight to the process.
            sys.stdout.flush()
            os.execv(commands[only][0], commands[only])  # noqa: S606
        # The commands are fixed above; nothing from the user reaches them.
        processes = {name: subprocess.Popen(command) for name, command in commands.items()}  # noqa: S603
        self.stdout.write(f"citydesk is running at http://{listen}/ (Ctrl+C stops the server, worker and scheduler)")
        if not settings.CITYDESK_2FA_REQUIRED:
            self.stderr.write(
                "\n*** Two-step verification is NOT required (CITYDESK_2FA_REQUIRED=0, the demo's setting). ***\n"
                "*** Staff may turn it on for themselves; production must leave CITYDESK_2FA_REQUIRED unset. ***\n"
            )
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        restarts: dict[str, float] = {}
        try:
            while not stopping:
                for name, process in list(processes.items()):
                    if process.poll() is None:
                        continue
                    if name == "web":
                        self.stderr.write(f"serve: web stopped with exit code {process.returncode}; stopping all")
                        stopping = True
                        break
                    # The worker and the scheduler stop when the database goes away (restart, failover):
                    # start them again, waiting longer each time it fails at once. Their work is in the
                    # database, so nothing is lost meanwhile.
                    delay = min(30.0, restarts.get(name, 0.5) * 2)
                    restarts[name] = delay
                    self.stderr.write(f"serve: {name} stopped ({process.returncode}); restarting in {delay:.0f} s")
                    time.sleep(delay)
                    processes[name] = subprocess.Popen(commands[name])  # noqa: S603
                time.sleep(0.5)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
