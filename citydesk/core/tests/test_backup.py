"""A backup and restore round trip on the database the suite runs on (SQLite file or PostgreSQL)."""

import pytest

from citydesk.conftest import ProcessDatabase
from citydesk.core.processes import manage

COUNT = "from citydesk.core.models import Unit; print(Unit.objects.count(), Unit.objects.order_by('pk').first())"


@pytest.fixture
def database(tmp_path):
    database = ProcessDatabase(tmp_path, "citydesk_backup_test")
    database.reset()
    return database


def test_backup_then_restore_brings_back_what_was_lost(database, tmp_path):
    env = database.env
    made = manage(env, "shell", "-c", "from citydesk.core.models import Unit; Unit.objects.create(name='Sở Y tế')")
    assert made.returncode == 0, made.stderr[-1500:]
    backup = tmp_path / "backups" / "citydesk.backup"
    written = manage(env, "backup", str(backup))
    assert written.returncode == 0, written.stderr[-1500:]
    assert backup.stat().st_size > 0

    manage(env, "shell", "-c", "from citydesk.core.models import Unit; Unit.objects.all().delete()")
    assert manage(env, "shell", "-c", COUNT).stdout.split()[0] == "0"
    restored = manage(env, "backup", "--restore", str(backup))
    assert restored.returncode == 0, restored.stderr[-1500:]
    assert manage(env, "shell", "-c", COUNT).stdout.strip() == "1 Sở Y tế"


def test_restore_from_a_missing_file_is_one_clear_line(database, tmp_path):
    result = manage(database.env, "backup", "--restore", str(tmp_path / "none.backup"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"CommandError: no backup file at {tmp_path / 'none.backup'}"
