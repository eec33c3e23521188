"""The audit log's former file of its own on SQLite, merged back into the main database file.

Until 2026-12 the audit table lived in `var/lasercare-audit.sqlite3`, attached to every connection, so that an
audit entry did not empty the other workers' page cache for the main file (docs/performance.md, step 19). But a
transaction over two WAL database files is not atomic: a power cut during its commit may keep one file's part and
not the other's (https://www.sqlite.org/lang_attach.html), so a change could be kept without its audit entry.
Every change and its entry now commit in one file. Migration audit 0005 moves an existing installation's table,
with its indexes, its append-only triggers and its rows (ids kept), from the old file into the main one, and then
removes the old file. A move finishes what an interrupted one left: rows already copied are not copied twice.
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


# --- the merge (audit migration 0005) ----------------------------------------------------------------------------


def merge_into_main(connection: sqlite3.Connection, database: str) -> int:
    """Move the audit table from the file beside `database` into it, then remove that file; the rows moved.

    Runs outside a transaction (SQLite cannot ATTACH inside one) and commits the move as one."""
    old = Path(path_beside(database))
    if not old.exists():
        return 0
    attach(connection, database)
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            moved = move(connection, SCHEMA, "main")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        connection.execute(f"DETACH DATABASE {SCHEMA}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{old}{suffix}").unlink(missing_ok=True)
    return moved
