"""Desk leads keep the verified accounts directory and the monitored feeds."""

from django.db import migrations

from citydesk.core.roles import ensure_roles


def forwards(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial"), ("desk", "0004_report_answers_and_appearances")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
