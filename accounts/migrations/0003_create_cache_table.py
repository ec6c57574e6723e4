"""The database cache's table (used when REDIS_URL is not set), so that a fresh
install and the test database have it without a separate `createcachetable` step."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_device_tokens")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
