"""Run citydesk on one machine: the web server, one job worker and the scheduler, started and stopped together."""

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


class Command(BaseCommand):
    help = "Serve citydesk with waitress on --listen, plus one db_worker and the scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--listen", default="127.0.0.1:8000", help="host:port (default 127.0.0.1:8000)")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, listen: str, threads: int, **options):
        commands = {
            "web": [
                sys.executable,
                "-m",
                "waitress",
                f"--listen={listen}",
                f"--threads={threads}",
                "citydesk.wsgi:application",
            ],
            "worker": [sys.executable, MANAGE, "db_worker", "--queue-name", "*", "--no-reload"],
            "scheduler": [sys.executable, MANAGE, "run_scheduler"],
        }
        # The commands are fixed above; nothing from the user reaches them.
        processes = {name: subprocess.Popen(command) for name, command in commands.items()}  # noqa: S603
        self.stdout.write(f"citydesk is running at http://{listen}/ (Ctrl+C stops the server, worker and scheduler)")
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"serve: {name} stopped with exit code {process.returncode}; stopping all")
                        stopping = True
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
