"""The table of the embedded default cache (clinic/settings.py "cache": Django's database cache).

Created whatever CACHES says today, so that an installation that drops REDIS_URL later finds it;
createcachetable's own code makes it, so it is exactly what DatabaseCache expects.
"""

from __future__ import annotations

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "ionto_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_submission_tally")]

    operations = [migrations.RunPython(create, drop)]
