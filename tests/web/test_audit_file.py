"""The audit log lives in the main database file, so a change and its audit entry commit together; an installation
whose log was in a file of its own has it merged back (lasercare/site/sqlite/audit_file.py, audit migration 0005).

The suite's own database is in memory: these tests run Django in a child process on database files in a
temporary folder, as `lasercare serve` does.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lasercare.site.sqlite import audit_file

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the database files are SQLite's")
MERGE = "0005_audit_log_in_the_main_database_file"


def django(var_dir: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(LASERCARE_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="lasercare.site.settings")
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def migrate(var_dir: Path, *args: str) -> None:
    django(var_dir, "-m", "django", "migrate", "-v0", *args)


def run(var_dir: Path, code: str) -> object:
    script = "import django, json\ndjango.setup()\n" + textwrap.dedent(code)
    return json.loads(django(var_dir, "-c", script))


WRITE_ONE_ENTRY = """
    from lasercare.practice.audit.models import AuditAction
    from lasercare.practice.audit.services import record
    entry = record(None, AuditAction.LIST, "dashboard", detail="from the test")
    print(json.dumps(entry.pk))
"""


def objects(database: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(database) as connection:
        return set(connection.execute("SELECT type, name FROM sqlite_master WHERE tbl_name = 'audit_auditentry'"))


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    migrate(tmp_path)
    return tmp_path


ENTRY_AND_PATIENT_ROLLED_BACK = """
    from datetime import date
    from django.db import transaction
    from lasercare.practice.audit.models import AuditEntry
    from lasercare.practice.clinic.models import Practice
    from lasercare.practice.patients.models import Patient
    from lasercare.practice.patients.services import save_patient
    practice = Practice.objects.create(name="P")
    try:
        with transaction.atomic():
            born = date(1980, 1, 1)
            save_patient(None, Patient(practice=practice, family_name="Doe", given_names="Jo", date_of_birth=born))
            raise RuntimeError("the request fails after both writes")
    except RuntimeError:
        pass
    print(json.dumps([Patient.objects.count(), AuditEntry.objects.count()]))
"""


def test_after_migrate_the_audit_table_is_in_the_main_file_with_its_indexes_and_triggers(var_dir: Path) -> None:
    assert {
        ("table", "audit_auditentry"),
        ("index", "audit_practice_at"),
        ("index", "audit_practice_patient"),
        ("trigger", "audit_no_update"),
        ("trigger", "audit_no_delete"),
    } <= objects(var_dir / "lasercare.sqlite3")
    assert not (var_dir / "lasercare-audit.sqlite3").exists()


def test_an_audit_entry_is_written_to_the_main_file(var_dir: Path) -> None:
    entry = run(var_dir, WRITE_ONE_ENTRY)
    with sqlite3.connect(var_dir / "lasercare.sqlite3") as main:
        assert main.execute("SELECT detail FROM audit_auditentry WHERE id = ?", [entry]).fetchone() == (
            "from the test",
        )
    assert not (var_dir / "lasercare-audit.sqlite3").exists()


def test_a_patient_and_its_audit_entry_are_kept_or_lost_together(var_dir: Path) -> None:
    assert run(var_dir, ENTRY_AND_PATIENT_ROLLED_BACK) == [0, 0]


def test_the_main_file_refuses_to_change_or_delete_an_entry(var_dir: Path) -> None:
    run(var_dir, WRITE_ONE_ENTRY)
    with sqlite3.connect(var_dir / "lasercare.sqlite3") as main:
        for statement in ("UPDATE audit_auditentry SET detail = 'x'", "DELETE FROM audit_auditentry"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                main.execute(statement)


def _as_before_the_merge(var_dir: Path) -> None:
    """The layout of an installation from before: the table, its indexes, triggers and rows in the audit file."""
    connection = sqlite3.connect(var_dir / "lasercare.sqlite3", isolation_level=None)
    audit_file.attach(connection, str(var_dir / "lasercare.sqlite3"))
    audit_file.move(connection, "main", "audit")
    # The merge and every audit migration after it had not run then.
    connection.execute("DELETE FROM main.django_migrations WHERE app = 'audit' AND name >= ?", [MERGE])
    connection.close()


def test_an_installation_from_before_has_its_audit_file_merged_with_ids_kept(var_dir: Path) -> None:
    first = run(var_dir, WRITE_ONE_ENTRY)
    _as_before_the_merge(var_dir)
    assert objects(var_dir / "lasercare.sqlite3") == set()
    migrate(var_dir)
    assert not (var_dir / "lasercare-audit.sqlite3").exists()
    with sqlite3.connect(var_dir / "lasercare.sqlite3") as main:
        assert main.execute("SELECT id, detail FROM audit_auditentry").fetchall() == [(first, "from the test")]
    assert ("trigger", "audit_no_delete") in objects(var_dir / "lasercare.sqlite3")
    assert run(var_dir, WRITE_ONE_ENTRY) == first + 1  # type: ignore[operator]


def test_an_interrupted_merge_finishes_without_copying_a_row_twice(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "main.sqlite3", isolation_level=None)
    audit_file.attach(connection, str(tmp_path / "main.sqlite3"))
    connection.execute("CREATE TABLE audit.audit_auditentry (id integer PRIMARY KEY AUTOINCREMENT, detail text)")
    connection.execute('CREATE INDEX audit."audit_detail" ON "audit_auditentry" ("detail")')
    connection.executemany("INSERT INTO audit.audit_auditentry (detail) VALUES (?)", [("a",), ("b",), ("c",)])
    # A merge cut short after the table and its first row reached the main file.
    connection.execute("CREATE TABLE main.audit_auditentry (id integer PRIMARY KEY AUTOINCREMENT, detail text)")
    connection.execute("INSERT INTO main.audit_auditentry SELECT * FROM audit.audit_auditentry WHERE id = 1")
    connection.execute("DETACH DATABASE audit")
    assert audit_file.merge_into_main(connection, str(tmp_path / "main.sqlite3")) == 2
    assert connection.execute("SELECT id, detail FROM audit_auditentry").fetchall() == [(1, "a"), (2, "b"), (3, "c")]
    assert connection.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'audit_detail'").fetchone() == (1,)
    assert not (tmp_path / "main-audit.sqlite3").exists()
