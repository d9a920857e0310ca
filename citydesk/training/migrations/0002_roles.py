"""Desk leads make cases; the training manager role (and unit admins) assign courses and follow answers."""

from django.db import migrations

from citydesk.core.roles import ensure_roles


def forwards(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_cases_courses_attempts"),
        ("core", "0005_cache_table"),
        ("api", "0002_roles"),
        ("community", "0006_story_fingerprint_with_title"),
        ("network", "0003_training_notifications"),
        ("scorecards", "0004_sla_metrics"),
        ("desk", "0011_verdict_statement"),
        ("intake", "0003_inbound_queue_and_answered_texts"),
        ("channels", "0005_api_address_from_settings_only"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
