"""Django's SQLite backend, plus `PRAGMA optimize` before a connection closes, as SQLite advises, and the audit
log's own database file attached to every connection (audit_file.py).

Without statistics (sqlite_stat1) SQLite's planner takes `practice_id = ?` to pick out some ten rows, so to avoid a
sort it walks a whole practice in name order: a search by date of birth or by full name read all 100,000 patients
of the benchmark practice (250 ms) instead of the few that match (0.1 ms). `PRAGMA optimize` runs ANALYZE, bounded by
the `analysis_limit` of the settings, on the tables this connection used whose statistics are missing or stale
(the table has grown 25-fold); otherwise it costs microseconds.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base, creation

from lasercare.site.sqlite import audit_file

# The database files whose statistics this process has already looked for.
_statistics_checked: set[str] = set()


class DatabaseCreation(creation.DatabaseCreation):
    """A test database in a file (LASERCARE_TEST_FILE_DB) starts with an empty audit file beside it too."""

    def _create_test_db(self, verbosity: int, autoclobber: bool, keepdb: bool = False) -> Any:
        name = super()._create_test_db(verbosity, autoclobber, keepdb)  # type: ignore[misc]  # not in the stubs
        if not keepdb and not self.is_in_memory_db(name):
            _remove_audit_file(str(name))
        return name

    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        super()._destroy_test_db(test_database_name, verbosity)  # type: ignore[misc]
        if not self.is_in_memory_db(test_database_name):
            _remove_audit_file(str(test_database_name))


def _remove_audit_file(database: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(audit_file.path_beside(database) + suffix).unlink(missing_ok=True)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        connection: sqlite3.Connection = super().get_new_connection(conn_params)
        name = str(self.settings_dict["NAME"])
        if not self.is_in_memory_db():
            # The audit log's own file (audit_file.py says why).
            audit_file.attach(connection, name)
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
