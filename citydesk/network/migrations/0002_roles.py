"""Contributors pitch; editors assign, decide pitches and invite; desk leads request explainers."""

from django.db import migrations

from citydesk.core.roles import ensure_roles


def forwards(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial"), ("scorecards", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
