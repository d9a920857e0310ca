"""Unit admins make and revoke partner API keys."""

from django.db import migrations

from citydesk.core.roles import ensure_roles


def forwards(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_keys_reports_webhooks"),
        ("community", "0004_editor_roles"),
        ("network", "0002_roles"),
        ("scorecards", "0002_roles"),
        ("intake", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
