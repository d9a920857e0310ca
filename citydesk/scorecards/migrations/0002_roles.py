"""Editors and desk leads see the scorecards; unit admins set targets and enter reach."""

from django.db import migrations

from citydesk.core.roles import ensure_roles


def forwards(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial"), ("channels", "0003_channelaccount_auto_clarifications")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
