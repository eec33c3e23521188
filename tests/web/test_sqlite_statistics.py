"""The SQLite backend leaves the statistics SQLite's planner needs (lasercare/site/sqlite/base.py): without them a
search by date of birth walked a whole practice in name order instead of reading the few matching rows."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler


def test_a_closing_connection_runs_analyze_on_the_tables_it_used(tmp_path: Path, django_db_blocker: Any) -> None:
    path = tmp_path / "stats.sqlite3"
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "lasercare.site.sqlite",
                "NAME": str(path),
                "OPTIONS": {"init_command": "PRAGMA analysis_limit=1000;"},
            }
        }
    )

    def use_and_close() -> None:
        connection = handler["default"]
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, practice INTEGER, born TEXT, name TEXT)")
            cursor.execute("CREATE INDEX person_born ON person (practice, born)")
            cursor.executemany(
                "INSERT INTO person (practice, born, name) VALUES (1, %s, %s)",
                [(f"19{n % 90:02d}-01-{n % 28 + 1:02d}", f"name {n}") for n in range(2000)],
            )
            cursor.execute("SELECT id FROM person WHERE practice = 1 AND born = '1950-01-05' ORDER BY name LIMIT 25")
        connection.close()

    # In a thread of its own, as a request's connection is: a browser test in the same worker leaves Playwright's
    # event loop running on the main thread, where Django refuses database work.
    with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(use_and_close).result()
    with sqlite3.connect(path) as raw:
        indexes = {row[0] for row in raw.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'person'")}
    assert "person_born" in indexes


@pytest.mark.parametrize("analysed_while_empty", [False, True], ids=["never analysed", "analysed while empty"])
def test_opening_a_database_that_has_no_statistics_gathers_them(
    tmp_path: Path, django_db_blocker: Any, analysed_while_empty: bool
) -> None:
    # A database loaded in bulk has none, and the first connection close may be a minute away.
    path = tmp_path / "loaded.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, practice INTEGER, born TEXT)")
        raw.execute("CREATE INDEX person_born ON person (practice, born)")
        if analysed_while_empty:
            raw.execute("ANALYZE")  # sqlite_stat1 exists, with no row for the empty table
        raw.executemany("INSERT INTO person (practice, born) VALUES (1, ?)", [(f"19{n % 90:02d}",) for n in range(500)])
    raw.close()
    handler = ConnectionHandler({"default": {"ENGINE": "lasercare.site.sqlite", "NAME": str(path)}})

    def open_connection() -> None:
        handler["default"].ensure_connection()

    with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(open_connection).result()
    with sqlite3.connect(path) as raw:
        indexes = {row[0] for row in raw.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'person'")}
    raw.close()
    assert "person_born" in indexes
