"""The audit log in the same database as the records it accounts for, so a change and its entry commit together.

On SQLite, an installation from before kept the table in a file of its own beside the main one
(lasercare/site/sqlite/audit_file.py): its table, indexes, triggers and rows move into the main file, and the old
file is removed. On PostgreSQL the table was always in the one database: nothing to do.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        from lasercare.site.sqlite import audit_file

        if not connection.is_in_memory_db():  # type: ignore[attr-defined]
            connection.ensure_connection()
            audit_file.merge_into_main(connection.connection, str(connection.settings_dict["NAME"]))


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Nothing to undo: the table stays in the main file, where Django's migrations expect it."""


class Migration(migrations.Migration):
    # SQLite cannot ATTACH the old file inside a transaction: the merge commits its own.
    atomic = False
    dependencies = [("audit", "0004_lean_writes")]
    operations = [migrations.RunPython(forwards, backwards)]
