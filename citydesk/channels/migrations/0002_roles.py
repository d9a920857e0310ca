"""Editors publish to channels; unit admins configure the accounts."""

from django.db import migrations

from citydesk.core.roles import ensure_roles


def forwards(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("channels", "0001_initial"), ("intake", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
