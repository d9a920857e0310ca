"""Editors feature readers' stories (and may take the moderation queue)."""

from django.db import migrations

from citydesk.core.roles import ensure_roles


def forwards(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("community", "0003_weekly_digest")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
