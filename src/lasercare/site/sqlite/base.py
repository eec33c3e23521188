"""Django's SQLite backend, plus `PRAGMA optimize` before a connection closes, as SQLite advises.

Without statistics (sqlite_stat1) SQLite's planner takes `practice_id = ?` to pick out some ten rows, so to avoid a
sort it walks a whole practice in name order: a search by date of birth or by full name read all 100,000 patients
of the benchmark practice (250 ms) instead of the few that match (0.1 ms). `PRAGMA optimize` runs ANALYZE, bounded by
the `analysis_limit` of the settings, on the tables this connection used whose statistics are missing or stale
(the table has grown 25-fold); otherwise it costs microseconds.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from django.db.backends.sqlite3 import base

# The database files whose statistics this process has already looked for.
_statistics_checked: set[str] = set()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        connection: sqlite3.Connection = super().get_new_connection(conn_params)
        name = str(self.settings_dict["NAME"])
        if name not in _statistics_checked and not self.is_in_memory_db():
            _statistics_checked.add(name)
            # A database that has never had statistics (one just loaded in bulk, one analysed only while its
            # tables were empty, one from before this backend) gets them now rather than at the first connection
            # close, which may be a minute away under CONN_MAX_AGE. ANALYZE is bounded by the analysis_limit the
            # init command set.
            with contextlib.suppress(sqlite3.Error):
                if not _has_statistics(connection):
                    connection.execute("ANALYZE")
        return connection

    def close(self) -> None:
        if self.connection is not None and not self.in_atomic_block and not self.is_in_memory_db():
            # Busy or read-only: the statistics wait for the next connection.
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute("PRAGMA optimize")
        super().close()


def _has_statistics(connection: sqlite3.Connection) -> bool:
    if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is None:
        return False
    return connection.execute("SELECT 1 FROM sqlite_stat1 LIMIT 1").fetchone() is not None
