"""Read queries whose SQL is compiled once per process and connection, then only executed.

Why: building and compiling a QuerySet costs Django 0.6-0.9 ms, and running one of the dashboard's lists on the
benchmark's 100,000 patients 0.05-0.4 ms (docs/performance.md, step 29): the dashboard's nine queries spent about
six of its nine milliseconds in the ORM before the database saw them. A page that runs the same queries with the
same arguments on every request (a practice's lists on one day) keeps what Django compiled (the SQL, its
parameters, and the compiler that turns the raw rows into Python values) under a key that names every argument,
and executes it again. The rows are always read fresh: only the statement is kept.

The key must determine the SQL and its parameters completely (the list, the practice, the day, the limit): a key
that misses an argument would answer another query's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

# A process keeps at most this many statements per connection: a few lists for each practice and day it serves.
KEPT_STATEMENTS = 512


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    compiler: SQLCompiler


# Per connection wrapper, which Django keeps per thread: a compiler is used by the thread that made it.
_KEPT: WeakKeyDictionary[BaseDatabaseWrapper, dict[Hashable, _Compiled]] = WeakKeyDictionary()


def rows(
    key: Hashable, build: Callable[[], QuerySet[Any, tuple[Any, ...]]], *, using: str = DEFAULT_DB_ALIAS
) -> list[tuple[Any, ...]]:
    """The rows of the `values_list` query that `build` makes, as Django would return them. `build` is called only
    the first time `key` is asked for on this thread's connection."""
    connection = connections[using]
    kept = _KEPT.setdefault(connection, {})
    compiled = kept.get(key)
    if compiled is None:
        query = build()
        if query.db != using:
            raise ValueError(f"compiled_reads: the query reads {query.db!r}, not {using!r}")
        compiler = query.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # `pk__in=[]`: Django answers no rows without asking the database
            sql, params = "", ()
        compiled = _Compiled(sql, tuple(params), compiler)
        if len(kept) >= KEPT_STATEMENTS:
            kept.clear()
        kept[key] = compiled
    if not compiled.sql:
        return []
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params)
        fetched = cursor.fetchall()
    found: list[tuple[Any, ...]] = list(compiled.compiler.results_iter(results=[fetched], tuple_expected=True))  # type: ignore[arg-type]
    return found
