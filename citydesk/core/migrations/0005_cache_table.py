"""The database cache's table (CACHES from CITYDESK_CACHE_URL; nothing to do for Redis).

Rate limits are shared by every process through it, so it must exist wherever `migrate` ran
(`make run`, production deploys, test databases): `createcachetable` is idempotent.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_unit_administrators_and_scoped_unit_admin")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
