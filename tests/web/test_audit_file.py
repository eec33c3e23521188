"""On SQLite the audit log lives in a file of its own beside the main database (lasercare/site/sqlite/audit_file.py).

The suite's own database is in memory, where there is nothing to attach: these tests run Django in a child process
on database files in a temporary folder, as `lasercare serve` does.
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

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the audit file is SQLite's")


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


def test_after_migrate_the_audit_table_is_in_its_own_file_with_its_indexes_and_triggers(var_dir: Path) -> None:
    assert objects(var_dir / "lasercare.sqlite3") == set()
    assert {
        ("table", "audit_auditentry"),
        ("index", "audit_practice_at"),
        ("index", "audit_practice_patient"),
        ("trigger", "audit_no_update"),
        ("trigger", "audit_no_delete"),
    } <= objects(var_dir / "lasercare-audit.sqlite3")


def test_an_audit_entry_goes_to_the_audit_file_and_leaves_the_main_file_unchanged(var_dir: Path) -> None:
    # Another process's view of the main file: data_version changes when any other connection writes to it.
    with sqlite3.connect(var_dir / "lasercare.sqlite3") as observer:
        before = observer.execute("PRAGMA data_version").fetchone()[0]
        entry = run(var_dir, WRITE_ONE_ENTRY)
        assert observer.execute("PRAGMA data_version").fetchone()[0] == before
    with sqlite3.connect(var_dir / "lasercare-audit.sqlite3") as audit:
        assert audit.execute("SELECT detail FROM audit_auditentry WHERE id = ?", [entry]).fetchone() == (
            "from the test",
        )


def test_the_audit_file_refuses_to_change_or_delete_an_entry(var_dir: Path) -> None:
    run(var_dir, WRITE_ONE_ENTRY)
    with sqlite3.connect(var_dir / "lasercare-audit.sqlite3") as audit:
        for statement in ("UPDATE audit_auditentry SET detail = 'x'", "DELETE FROM audit_auditentry"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                audit.execute(statement)


def test_the_orm_joins_the_audit_log_with_the_accounts_of_the_main_file(var_dir: Path) -> None:
    found = run(
        var_dir,
        """
        from lasercare.practice.audit.models import AuditEntry
        from lasercare.practice.audit.services import record
        from lasercare.practice.audit.models import AuditAction
        from lasercare.practice.clinic.models import Practice, StaffUser
        user = StaffUser.objects.create(username="ada", practice=Practice.objects.create(name="P"), role="clinician")
        record(None, AuditAction.LOGIN, "account", actor=user)
        print(json.dumps(AuditEntry.objects.select_related("actor").get(actor=user).actor.username))
        """,
    )
    assert found == "ada"


def test_a_database_from_before_keeps_its_entries_moved_to_the_audit_file_with_their_ids(tmp_path: Path) -> None:
    migrate(tmp_path)
    first = run(tmp_path, WRITE_ONE_ENTRY)
    # The layout before the audit file: the table back in the main file, and no audit file.
    connection = sqlite3.connect(tmp_path / "lasercare.sqlite3", isolation_level=None)
    audit_file.attach(connection, str(tmp_path / "lasercare.sqlite3"))
    audit_file.move(connection, "audit", "main")
    connection.close()
    (tmp_path / "lasercare-audit.sqlite3").unlink()
    migrate(tmp_path)
    assert objects(tmp_path / "lasercare.sqlite3") == set()
    with sqlite3.connect(tmp_path / "lasercare-audit.sqlite3") as audit:
        assert audit.execute("SELECT id, detail FROM audit_auditentry").fetchall() == [(first, "from the test")]
    assert run(tmp_path, WRITE_ONE_ENTRY) == first + 1  # type: ignore[operator]


def test_a_migration_of_the_audit_app_runs_and_the_table_returns_to_its_file(var_dir: Path) -> None:
    entry = run(var_dir, WRITE_ONE_ENTRY)
    migrate(var_dir, "audit", "0003")
    # At 0003 the table still had foreign key constraints, which cannot reach across files: it stays in main.
    assert ("table", "audit_auditentry") in objects(var_dir / "lasercare.sqlite3")
    migrate(var_dir)
    assert objects(var_dir / "lasercare.sqlite3") == set()
    with sqlite3.connect(var_dir / "lasercare-audit.sqlite3") as audit:
        assert audit.execute("SELECT id FROM audit_auditentry").fetchall() == [(entry,)]
        assert ("index", "audit_practice_patient") in objects(var_dir / "lasercare-audit.sqlite3")


def test_an_interrupted_move_finishes_without_copying_a_row_twice(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "main.sqlite3", isolation_level=None)
    audit_file.attach(connection, str(tmp_path / "main.sqlite3"))
    connection.execute("CREATE TABLE audit_auditentry (id integer PRIMARY KEY AUTOINCREMENT, detail text)")
    connection.execute('CREATE INDEX "audit_detail" ON "audit_auditentry" ("detail")')
    connection.executemany("INSERT INTO main.audit_auditentry (detail) VALUES (?)", [("a",), ("b",), ("c",)])
    # A move cut short after the table and its first row reached the audit file.
    connection.execute("CREATE TABLE audit.audit_auditentry (id integer PRIMARY KEY AUTOINCREMENT, detail text)")
    connection.execute("INSERT INTO audit.audit_auditentry SELECT * FROM main.audit_auditentry WHERE id = 1")
    assert audit_file.move(connection, "main", "audit") == 2
    assert connection.execute("SELECT id, detail FROM audit.audit_auditentry").fetchall() == [
        (1, "a"),
        (2, "b"),
        (3, "c"),
    ]
    assert audit_file.where_the_table_is(connection) == ["audit"]
    assert connection.execute("SELECT 1 FROM audit.sqlite_master WHERE name = 'audit_detail'").fetchone() == (1,)
