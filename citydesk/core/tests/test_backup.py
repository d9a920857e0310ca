"""A backup and restore round trip on the database the suite runs on (SQLite file or PostgreSQL), with
the media and private files beside it."""

import shutil
import time
from pathlib import Path

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


def test_backup_keeps_media_and_private_files_and_restores_them_with_the_database(database, tmp_path):
    env = database.env
    media, private = Path(env["CITYDESK_MEDIA_ROOT"]), Path(env["CITYDESK_PRIVATE_MEDIA_ROOT"])
    (media / "original_images").mkdir(parents=True)
    (media / "original_images" / "cau-rong.jpg").write_bytes(b"\xff\xd8 anh cau rong")
    (private / "reports").mkdir(parents=True)
    (private / "reports" / "tip.png").write_bytes(b"\x89PNG anh cua nguoi bao tin")
    made = manage(env, "shell", "-c", "from citydesk.core.models import Unit; Unit.objects.create(name='Sở Y tế')")
    assert made.returncode == 0, made.stderr[-1500:]
    backup = tmp_path / "backups" / "citydesk.backup"
    written = manage(env, "backup", str(backup))
    assert written.returncode == 0, written.stderr[-1500:]
    assert "files: 100%" in written.stderr  # the progress bar

    # Lost: a row, an image, a reader's file; added since: a file no row of the backup names.
    manage(env, "shell", "-c", "from citydesk.core.models import Unit; Unit.objects.all().delete()")
    (media / "original_images" / "cau-rong.jpg").unlink()
    shutil.rmtree(private / "reports")
    (media / "added-after.jpg").write_bytes(b"new")
    restored = manage(env, "backup", "--restore", str(backup))
    assert restored.returncode == 0, restored.stderr[-1500:]
    assert manage(env, "shell", "-c", COUNT).stdout.strip() == "1 Sở Y tế"
    assert (media / "original_images" / "cau-rong.jpg").read_bytes() == b"\xff\xd8 anh cau rong"
    assert (private / "reports" / "tip.png").read_bytes() == b"\x89PNG anh cua nguoi bao tin"
    assert not (media / "added-after.jpg").exists()


def test_keep_deletes_all_but_the_newest_backups_with_their_files(database, tmp_path):
    folder = tmp_path / "backups"
    for day in range(1, 5):
        result = manage(database.env, "backup", str(folder / f"citydesk-2026-11-0{day}.backup"), "--keep", "2")
        assert result.returncode == 0, result.stderr[-1500:]
        time.sleep(0.05)  # distinct modification times
    assert sorted(item.name for item in folder.iterdir()) == [
        "citydesk-2026-11-03.backup",
        "citydesk-2026-11-03.backup.files.tar",
        "citydesk-2026-11-04.backup",
        "citydesk-2026-11-04.backup.files.tar",
    ]
