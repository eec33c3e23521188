"""Audit entries are written with every request: no foreign-key constraints (each insert locked the practice's
and the staff member's rows until commit) and only the indexes the audit page reads (the practice's entries newest
first, and one patient's). SQLite rebuilds the table to drop the constraints, and a rebuilt table has lost its
triggers: the append-only triggers of 0003 are made again."""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

_append_only = import_module("lasercare.practice.audit.migrations.0003_append_only")


def keep_append_only(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL altered the table in place: its trigger stands
    # The triggers as 0003 makes them; whichever survived the rebuild goes first.
    _append_only.backwards(apps, schema_editor)
    _append_only.forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only"),
        ("clinic", "0002_currency_codes_staff_member"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="patient_ref",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="practice",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="clinic.practice",
            ),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["practice", "patient_ref", "-at"], name="audit_practice_patient"),
        ),
        migrations.RunPython(keep_append_only, keep_append_only),
    ]
