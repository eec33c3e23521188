"""Read queries whose SQL is compiled once per process and connection, then only executed.

Why: building and compiling a QuerySet costs Django 0.6-0.9 ms, and running one of the dashboard's lists on the
benchmark's 100,000 patients 0.05-0.4 ms (docs/performance.md, step 29): the dashboard's nine queries spent about
six of its nine milliseconds in the ORM before the database saw them. A page that runs the same queries with the
same arguments on every request (a practice's lists on one day) keeps what Django compiled (the SQL, its
parameters, and the compiler that turns the raw rows into Python values) under a key that names every argument,
and executes it again. The rows are always read fresh: only the statement is kept.

The key must determine the SQL and its parameters completely (the list, the practice, the day, the limit): a key
that misses an argument would answer another query's rows. A statement that takes a different value at each call
(the plan a page shows) names those values as `Argument`s: the statement is compiled once with stand-in values, and
each call puts its own, in the database's form, where the stand-ins were.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import uuid4
from weakref import WeakKeyDictionary

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

# A process keeps at most this many statements per connection: a few lists for each practice and day it serves.
KEPT_STATEMENTS = 512


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    compiler: SQLCompiler
    slots: tuple[int, ...] = ()  # where each Argument's value goes in the parameters


@dataclass(frozen=True)
class Argument:
    """A value a kept statement takes at each call, with the model field it is compared with (which says the
    database's form of it: a UUID is text on SQLite)."""

    field: Field[Any, Any]
    value: Any


M = TypeVar("M", bound=Model)


# Per connection wrapper, which Django keeps per thread: a compiler is used by the thread that made it.
_KEPT: WeakKeyDictionary[BaseDatabaseWrapper, dict[Hashable, _Compiled]] = WeakKeyDictionary()


def rows(
    key: Hashable, build: Callable[[], QuerySet[Any, tuple[Any, ...]]], *, using: str = DEFAULT_DB_ALIAS
) -> list[tuple[Any, ...]]:
    """The rows of the `values_list` query that `build` makes, as Django would return them. `build` is called only
    the first time `key` is asked for on this thread's connection."""
    connection = connections[using]
    compiled = _kept(key, lambda: _compile(build, using), connection)
    if not compiled.sql:
        return []
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params)
        fetched = cursor.fetchall()
    found: list[tuple[Any, ...]] = list(compiled.compiler.results_iter(results=[fetched], tuple_expected=True))  # type: ignore[arg-type]
    return found


def one(
    key: Hashable,
    build: Callable[..., QuerySet[M]],
    arguments: tuple[Argument, ...],
    *,
    using: str = DEFAULT_DB_ALIAS,
) -> M | None:
    """The one model instance (with what the query selects with it and annotates it with) that `build(*values)`
    finds, or None. Model instances are made as Django's ModelIterable makes them: `Model.from_db` and its
    populators for `select_related`."""
    connection = connections[using]
    compiled = _kept(key, lambda: _compile_with_arguments(build, arguments, using), connection)
    params = list(compiled.params)
    for slot, argument in zip(compiled.slots, arguments, strict=True):
        params[slot] = argument.field.get_db_prep_value(argument.value, connection)
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        fetched = cursor.fetchmany(2)
    if len(fetched) != 1:
        if fetched:
            raise ValueError(f"compiled_reads.one: {key!r} found more than one row")
        return None
    compiler = compiled.compiler
    select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
    assert klass_info is not None
    model_cls = klass_info["model"]
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[first:last]]
    row = next(iter(compiler.results_iter(results=[fetched])))
    instance: M = model_cls.from_db(using, init_list, row[first:last])
    # django-stubs describe Django 6 (a fetch_mode argument); this is 5.2.
    for populator in get_related_populators(klass_info, select, using):  # type: ignore[call-arg]
        populator.populate(row, instance)
    for name, position in (annotation_col_map or {}).items():
        setattr(instance, name, row[position])
    return instance


def _kept(key: Hashable, make: Callable[[], _Compiled], connection: BaseDatabaseWrapper) -> _Compiled:
    """The statement kept under `key` on this connection, compiled the first time it is asked for."""
    kept = _KEPT.setdefault(connection, {})
    compiled = kept.get(key)
    if compiled is None:
        compiled = make()
        if len(kept) >= KEPT_STATEMENTS:
            kept.clear()
        kept[key] = compiled
    return compiled


def _compile(build: Callable[[], QuerySet[Any, tuple[Any, ...]]], using: str) -> _Compiled:
    query = build()
    if query.db != using:
        raise ValueError(f"compiled_reads: the query reads {query.db!r}, not {using!r}")
    compiler = query.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # `pk__in=[]`: Django answers no rows without asking the database
        sql, params = "", ()
    return _Compiled(sql, tuple(params), compiler)


def _compile_with_arguments(
    build: Callable[..., QuerySet[Any]], arguments: tuple[Argument, ...], using: str
) -> _Compiled:
    """Compiled with stand-in values, each found at exactly one place in the parameters."""
    connection = connections[using]
    stand_ins = [_stand_in(argument.field) for argument in arguments]
    query = build(*stand_ins)
    compiler = query.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    slots = []
    for argument, stand_in in zip(arguments, stand_ins, strict=True):
        value = argument.field.get_db_prep_value(stand_in, connection)
        found = [n for n, param in enumerate(params) if type(param) is type(value) and param == value]
        if len(found) != 1:
            raise ValueError(f"compiled_reads: {argument.field} is not one parameter of the statement")
        slots.append(found[0])
    return _Compiled(sql, tuple(params), compiler, tuple(slots))


def _stand_in(field: Field[Any, Any]) -> Any:
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    if target.get_internal_type() == "UUIDField":
        return uuid4()
    if target.get_internal_type() in {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
    }:
        return -2_000_000_011  # no real key: found in the parameters only where the argument went
    raise ValueError(f"compiled_reads: no stand-in for {field}")
