"""Community moderators decide on readers' stories and comments."""

from django.db import migrations

from citydesk.core.roles import ensure_roles


def forwards(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial"), ("network", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
