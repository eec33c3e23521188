"""On SQLite the audit log lives in a database file of its own, attached to every connection as `audit`.

Why: every request writes an audit entry, and SQLite, seeing that another connection changed a database file,
throws away its whole page cache for that file. With the log in the main file each worker re-read the pages of every
query from disk after any other worker's request: some 330 reads of 4 KB for one dashboard, 2-2.5 ms of its
7-9 ms (docs/performance.md). Written to a file of its own, the log leaves the main file's cache alone; the records
the pages read change only when someone changes them.

The ORM does not need to know: SQLite looks an unqualified table name up in `main`, then in the attached
databases, so `audit_auditentry` finds the table in `audit` (joins with `main`'s tables included). One connection
and one transaction cover both files, so a change and its audit entry commit together; in WAL mode a power cut
during that commit may keep one file's part and not the other's (https://www.sqlite.org/lang_attach.html).

The table has no foreign key constraints (audit migration 0004), which could not reach from one file to the other.
Django's migrations create and alter tables in `main`. So the table moves into `main` before migrations that touch
the audit app run (pre_migrate) and back into its file after every migrate (post_migrate), with its indexes, its
append-only triggers and its rows. A move finishes what an interrupted one left: rows already copied are not copied
twice.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

SCHEMA = "audit"
TABLE = "audit_auditentry"

_CREATE = re.compile(
    r"^CREATE\s+(?P<kind>TABLE|UNIQUE\s+INDEX|INDEX|TRIGGER)\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>\"[^\"]+\"|\w+)",
    re.IGNORECASE,
)


def path_beside(database: str) -> str:
    """var/lasercare.sqlite3 -> var/lasercare-audit.sqlite3"""
    main = Path(database)
    return str(main.with_name(f"{main.stem}-audit{main.suffix}"))


def attach(connection: sqlite3.Connection, database: str) -> None:
    connection.execute(f"ATTACH DATABASE ? AS {SCHEMA}", [path_beside(database)])
    connection.execute(f"PRAGMA {SCHEMA}.journal_mode=WAL")
    connection.execute(f"PRAGMA {SCHEMA}.synchronous=NORMAL")


def is_attached(connection: sqlite3.Connection) -> bool:
    return any(row[1] == SCHEMA for row in connection.execute("PRAGMA database_list"))


def where_the_table_is(connection: sqlite3.Connection) -> list[str]:
    return [
        schema
        for schema in ("main", SCHEMA)
        if connection.execute(
            f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?", [TABLE]
        ).fetchone()
    ]


def move(connection: sqlite3.Connection, source: str, target: str) -> int:
    """Move the audit table, its indexes and triggers, and its rows from one schema to the other; the rows moved."""
    if source not in where_the_table_is(connection):
        return 0
    definitions = connection.execute(
        f"SELECT type, sql FROM {source}.sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
        "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END",
        [TABLE],
    ).fetchall()
    for kind, sql in definitions:
        if kind != "trigger" and not _exists(connection, target, sql):
            connection.execute(_in_schema(sql, target))
    # Rows an interrupted move copied already are not copied again.
    copied_up_to = connection.execute(f"SELECT coalesce(max(id), 0) FROM {target}.{TABLE}").fetchone()[0]
    moved = connection.execute(
        f"INSERT INTO {target}.{TABLE} SELECT * FROM {source}.{TABLE} WHERE id > ?", [copied_up_to]
    ).rowcount
    for kind, sql in definitions:
        if kind == "trigger" and not _exists(connection, target, sql):
            connection.execute(_in_schema(sql, target))
    connection.execute(f"DROP TABLE {source}.{TABLE}")
    return int(moved)


def _exists(connection: sqlite3.Connection, schema: str, sql: str) -> bool:
    name = _name(sql)
    return connection.execute(f"SELECT 1 FROM {schema}.sqlite_master WHERE name = ?", [name]).fetchone() is not None


def _name(sql: str) -> str:
    found = _CREATE.match(sql)
    if found is None:
        raise ValueError(f"not a CREATE statement SQLite wrote for the audit table: {sql[:80]}")
    return found.group("name").strip('"')


def _in_schema(sql: str, schema: str) -> str:
    """The CREATE statement of a table, index or trigger, made in `schema`: `CREATE INDEX "x" ON t` becomes
    `CREATE INDEX audit."x" ON t` (an index or trigger is made in its table's schema, and names the table bare)."""
    found = _CREATE.match(sql)
    if found is None:
        raise ValueError(f"not a CREATE statement SQLite wrote for the audit table: {sql[:80]}")
    name = found.group("name")
    quoted = name if name.startswith('"') else f'"{name}"'
    return f"CREATE {found.group('kind')} {schema}.{quoted}{sql[found.end() :]}"


# --- around Django's migrate (connected by the audit app) ------------------------------------------------------


def _attached_connection(using: str) -> sqlite3.Connection | None:
    from django.db import connections

    wrapper = connections[using]
    if wrapper.vendor != "sqlite":
        return None
    wrapper.ensure_connection()
    raw: sqlite3.Connection = wrapper.connection
    return raw if is_attached(raw) else None


def before_migrate(using: str, plan: list[tuple[object, bool]] | None = None, **kwargs: object) -> None:
    """Migrations of the audit app run on the table in `main`, where Django makes and alters tables."""
    from django.db import transaction

    if not any(getattr(migration, "app_label", "") == "audit" for migration, _ in plan or []):
        return
    connection = _attached_connection(using)
    if connection is not None:
        with transaction.atomic(using=using):
            move(connection, SCHEMA, "main")


def after_migrate(using: str, **kwargs: object) -> None:
    from django.db import transaction

    connection = _attached_connection(using)
    if connection is None or "main" not in where_the_table_is(connection):
        return
    # A foreign key constraint could not be checked from the other file: the table's before migration 0004 (which
    # made its foreign keys plain columns) stay in main, as they were.
    if connection.execute(f"PRAGMA main.foreign_key_list({TABLE})").fetchone() is None:
        with transaction.atomic(using=using):
            move(connection, "main", SCHEMA)
